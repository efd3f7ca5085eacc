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

    /** The declared query parameters of each method, read once from its annotations. */
    private final Map<Method, Set<String>> declared = new ConcurrentHashMap<>();

    @ServerRequestFilter
    @KnownQueryParameters
    public Response refuseUnknown(UriInfo uri, ResourceInfo resource, HttpServerRequest request) {
        if (request.query() == null || request.query().isEmpty()) {
            return null;
        }
        Set<String> known = declared.computeIfAbsent(resource.getResourceMethod(), QueryParameterFilter::declaredBy);
        List<Problem.Violation> errors = new ArrayList<>();
        for (String name : uri.getQueryParameters(true).keySet()) {
            if (!known.contains(name)) {
                errors.add(new Problem.Violation(name, "is not a parameter of this operation; it takes "
                        + (known.isEmpty() ? "none" : String.join(", ", known))));
            }
        }
        if (errors.isEmpty()) {
            return null;
        }
        Problem problem = Problem.of(400, "Bad Request", "The query names a parameter this operation does not take.")
                .withInstance(request.path()).withErrors(errors);
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem).build();
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
