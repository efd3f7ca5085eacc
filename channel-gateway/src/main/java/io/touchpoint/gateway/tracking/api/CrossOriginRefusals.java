package io.touchpoint.gateway.tracking.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.touchpoint.contracts.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The CORS policy that lets browsers post tracking calls from any site refuses every other method
 * from a page (a request with an {@code Origin}) with 403, as Quarkus' CORS filter does, but as
 * problem+json: the filter's own 403 has no body. Runs just before that filter, and only for the
 * configuration the gateway has (any origin, a list of methods); with another the filter answers.
 */
@ApplicationScoped
public class CrossOriginRefusals {

    static final java.util.regex.Pattern CONTENT_PATH = java.util.regex.Pattern.compile("/v1/content/[^/]+/?");

    @ConfigProperty(name = "quarkus.http.cors.enabled", defaultValue = "false")
    boolean enabled;
    @ConfigProperty(name = "quarkus.http.cors.origins")
    Optional<List<String>> origins;
    @ConfigProperty(name = "quarkus.http.cors.methods")
    Optional<List<String>> methods;
    @Inject
    ObjectMapper mapper;

    void register(@Observes Filters filters) {
        if (!enabled || origins.isEmpty() || origins.get().stream().noneMatch(o -> o.equals("*") || o.equals("/.*/"))
                || methods.isEmpty() || methods.get().contains("*")) {
            return;
        }
        Set<String> allowed = methods.get().stream().map(m -> m.strip().toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        String allowedText = String.join(", ", methods.get().stream().map(String::strip)
                .filter(m -> !m.equalsIgnoreCase("GET")).toList())
                + (allowed.contains("GET") ? " (and GET of on-site content, /v1/content/{placement})" : "");
        filters.register(context -> refuse(context, allowed, allowedText), SecurityHandlerPriorities.CORS + 1);
    }

    private void refuse(RoutingContext context, Set<String> allowed, String allowedText) {
        HttpServerRequest request = context.request();
        if (request.getHeader(HttpHeaders.ORIGIN) == null || allowedHere(request, allowed)
                || request.method() == HttpMethod.OPTIONS
                        && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            context.next();
            return;
        }
        Problem problem = Problem.of(403, "Forbidden", "A page may not send " + request.method().name()
                + " requests here; cross-origin requests may be " + allowedText + ".").withInstance(request.path());
        ProblemBodies.end(context, mapper, problem);
    }

    /**
     * A page reads on-site content with GET; every other GET stays refused to pages, whose answers
     * (a preference center behind a token in its link) are not theirs to read.
     */
    private static boolean allowedHere(HttpServerRequest request, Set<String> allowed) {
        if (!allowed.contains(request.method().name())) {
            return false;
        }
        return request.method() != HttpMethod.GET || CONTENT_PATH.matcher(request.path()).matches();
    }
}
