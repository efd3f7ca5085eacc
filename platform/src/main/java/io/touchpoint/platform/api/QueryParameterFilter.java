package io.touchpoint.platform.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.touchpoint.contracts.Problem;
import io.vertx.core.http.HttpServerRequest;

/** Refuses query parameters that a {@link KnownQueryParameters} method does not declare with {@code @QueryParam}. */
public class QueryParameterFilter {

    /** What each method takes: its declared names and the prefixes its annotation allows. */
    private record Taken(Set<String> names, List<String> prefixes) {

        boolean takes(String name) {
            return names.contains(name) || prefixes.stream().anyMatch(name::startsWith);
        }

        String describe() {
            List<String> all = new ArrayList<>(names);
            prefixes.forEach(p -> all.add(p + "<name>"));
            return all.isEmpty() ? "none" : String.join(", ", all);
        }
    }

    /** Read once per method from its annotations. */
    private final Map<Method, Taken> declared = new ConcurrentHashMap<>();

    @ServerRequestFilter
    @KnownQueryParameters
    public Response refuseUnknown(UriInfo uri, ResourceInfo resource, HttpServerRequest request) {
        if (request.query() == null || request.query().isEmpty()) {
            return null;
        }
        Taken taken = declared.computeIfAbsent(resource.getResourceMethod(), method -> takenBy(method, resource.getResourceClass()));
        List<Problem.Violation> errors = new ArrayList<>();
        for (String name : uri.getQueryParameters(true).keySet()) {
            if (!taken.takes(name)) {
                errors.add(new Problem.Violation(name, "is not a parameter of this operation; it takes " + taken.describe()));
            }
        }
        if (errors.isEmpty()) {
            return null;
        }
        Problem problem = Problem.of(400, "Bad Request", "The query names a parameter this operation does not take.")
                .withInstance(request.path()).withErrors(errors);
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static Taken takenBy(Method method, Class<?> resource) {
        KnownQueryParameters known = method.getAnnotation(KnownQueryParameters.class);
        if (known == null) {
            known = resource.getAnnotation(KnownQueryParameters.class);
        }
        return new Taken(declaredBy(method), known == null ? List.of() : List.of(known.prefixes()));
    }

    private static Set<String> declaredBy(Method method) {
        Set<String> names = new TreeSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation a : annotations) {
                if (a instanceof QueryParam q) {
                    names.add(q.value());
                }
            }
        }
        return names;
    }
}
