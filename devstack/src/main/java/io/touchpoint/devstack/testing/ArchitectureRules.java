package io.touchpoint.devstack.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The layering every service keeps, checked on its compiled classes by a test of its own:
 * <ul>
 * <li>inside a domain package, {@code api} (resources, routes) is the outside: nothing else
 * depends on it; {@code store} depends on neither {@code api} nor {@code messaging};</li>
 * <li>a service uses no other service's code: among Touchpoint's packages only its own, the
 * platform's and the contracts;</li>
 * <li>case conversion names its locale: {@code "I".toLowerCase()} is not "i" on a Turkish machine,
 * and an enum lookup or a stored state would fail there;</li>
 * <li>a resource that binds a JSON body to a record refuses members it does not know
 * ({@code @CustomDeserialization(StrictBody.class)}): the shared mapper drops them, and a misspelt
 * optional member would be saved as if absent.</li>
 * </ul>
 */
public final class ArchitectureRules {

    private static final List<String> SERVICES = List.of("profile", "segmentation", "journey", "gateway", "analytics");

    private ArchitectureRules() {
    }

    /** @param service the service's package under {@code io.touchpoint}, e.g. {@code profile} */
    public static List<ArchRule> of(String service) {
        String root = "io.touchpoint." + service;
        String[] others = SERVICES.stream().filter(s -> !s.equals(service)).map(s -> "io.touchpoint." + s + "..")
                .toArray(String[]::new);
        // A service may not have classes of some kind yet (journey-service has none so far).
        return Stream.of(
                noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage("..api..")
                        .should().dependOnClassesThat().resideInAPackage(root + "..api..")
                        .as("only " + service + "'s api packages use its api packages"),
                noClasses().that().resideInAPackage(root + "..store..")
                        .should().dependOnClassesThat().resideInAnyPackage(root + "..api..", root + "..messaging..")
                        .as(service + "'s store packages depend on neither api nor messaging"),
                noClasses().that().resideInAPackage(root + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(others)
                        .as(service + " uses no other service's code"),
                noClasses().that().resideInAPackage(root + "..")
                        .should().dependOnClassesThat().resideInAnyPackage("io.touchpoint.devstack..", "io.touchpoint.benchmarks..")
                        .as(service + " main code does not depend on test support or benchmarks"),
                noClasses().that().resideInAPackage(root + "..")
                        .should().callMethod(String.class, "toLowerCase")
                        .orShould().callMethod(String.class, "toUpperCase")
                        .as(service + " converts case with an explicit Locale"),
                classes().that().resideInAPackage(root + "..").and().areAnnotatedWith(PATH)
                        .should(new StrictWhereBodiesAreRecords())
                        .as(service + "'s resources that bind a body to a record refuse members they do not know"))
                .map(rule -> rule.allowEmptyShould(true)).toList();
    }

    private static final String PATH = "jakarta.ws.rs.Path";
    private static final String CUSTOM_DESERIALIZATION = "io.quarkus.resteasy.reactive.jackson.CustomDeserialization";
    private static final String STRICT_BODY = "io.touchpoint.platform.api.StrictBody";
    /** The operations that take a body. */
    private static final List<String> WITH_BODY = List.of("jakarta.ws.rs.POST", "jakarta.ws.rs.PUT", "jakarta.ws.rs.PATCH");
    /** A parameter with one of these is not the body. */
    private static final Set<String> NOT_BODY = Set.of("jakarta.ws.rs.PathParam", "jakarta.ws.rs.QueryParam",
            "jakarta.ws.rs.HeaderParam", "jakarta.ws.rs.FormParam", "jakarta.ws.rs.CookieParam", "jakarta.ws.rs.core.Context",
            "org.jboss.resteasy.reactive.RestPath", "org.jboss.resteasy.reactive.RestQuery");

    private static final class StrictWhereBodiesAreRecords extends ArchCondition<JavaClass> {

        StrictWhereBodiesAreRecords() {
            super("carry @CustomDeserialization(StrictBody.class) when a method binds its body to a record");
        }

        @Override
        public void check(JavaClass resource, ConditionEvents events) {
            boolean strict = resource.tryGetAnnotationOfType(CUSTOM_DESERIALIZATION)
                    .map(a -> a.get("value").map(v -> v instanceof JavaClass c && c.getName().equals(STRICT_BODY)).orElse(false))
                    .orElse(false);
            if (strict) {
                return;
            }
            for (JavaMethod method : resource.getMethods()) {
                if (WITH_BODY.stream().noneMatch(method::isAnnotatedWith)) {
                    continue;
                }
                for (JavaParameter parameter : method.getParameters()) {
                    boolean body = parameter.getAnnotations().stream().noneMatch(a -> NOT_BODY.contains(a.getRawType().getName()));
                    if (body && parameter.getRawType().isRecord()) {
                        events.add(SimpleConditionEvent.violated(resource, resource.getName() + "." + method.getName()
                                + " binds its body to the record " + parameter.getRawType().getSimpleName()
                                + " without @CustomDeserialization(StrictBody.class) on " + resource.getSimpleName()));
                    }
                }
            }
        }
    }

    /** Every rule of {@link #of} as one, so a failure reports every violation at once. */
    public static ArchRule all(String service) {
        CompositeArchRule all = null;
        for (ArchRule rule : of(service)) {
            all = all == null ? CompositeArchRule.of(rule) : all.and(rule);
        }
        return all;
    }

    /** The same locale rule for the shared modules. */
    public static ArchRule localeSafeCase(String rootPackage) {
        return noClasses().that().resideInAPackage(rootPackage + "..")
                .should().callMethod(String.class, "toLowerCase").orShould().callMethod(String.class, "toUpperCase")
                .as(rootPackage + " converts case with an explicit Locale");
    }
}
