package io.touchpoint.platform.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.touchpoint.contracts.Problem;

/**
 * Refuses a path or query parameter that text cannot store before any resource sees it: a NUL in an
 * id would otherwise reach PostgreSQL and fail there. The violation names the parameter.
 */
public class TextParameterFilter {

    @ServerRequestFilter
    public Response refuseUnstorable(ContainerRequestContext request) {
        var uri = request.getUriInfo();
        for (var params : List.of(Map.entry("path", uri.getPathParameters()), Map.entry("query", uri.getQueryParameters()))) {
            for (var param : params.getValue().entrySet()) {
                if (!StoredText.storable(param.getKey())
                        || param.getValue().stream().anyMatch(v -> !StoredText.storable(v))) {
                    String name = StoredText.storable(param.getKey()) ? param.getKey() : "(name)";
                    return ProblemMapper.problem(Problem.of(400, "Bad Request", "The request is not valid.")
                            .withErrors(List.of(new Problem.Violation(params.getKey() + "." + name,
                                    "must not hold a NUL character or an unpaired surrogate"))), uri);
                }
            }
        }
        return null;
    }
}
