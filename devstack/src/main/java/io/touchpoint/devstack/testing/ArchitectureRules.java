package io.touchpoint.devstack.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

/**
 * The layering every service keeps, checked on its compiled classes by a test of its own:
 * <ul>
 * <li>inside a domain package, {@code api} (resources, routes) is the outside: nothing else
 * depends on it; {@code store} depends on neither {@code api} nor {@code messaging};</li>
 * <li>a service uses no other service's code: among Touchpoint's packages only its own, the
 * platform's and the contracts;</li>
 * <li>case conversion names its locale: {@code "I".toLowerCase()} is not "i" on a Turkish machine,
 * and an enum lookup or a stored state would fail there.</li>
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
                        .as(service + " converts case with an explicit Locale"))
                .map(rule -> rule.allowEmptyShould(true)).toList();
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
