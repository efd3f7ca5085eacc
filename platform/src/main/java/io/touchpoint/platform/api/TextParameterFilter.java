package io.touchpoint.platform.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.touchpoint.contracts.Problem;
import io.vertx.core.http.HttpServerRequest;

/**
 * Path and query parameters holding text PostgreSQL cannot store ({@code /v1/sources/%00}) are
 * refused with 400, each named, before any resource looks them up: PostgreSQL would refuse the
 * query and the caller would see a 500. So is a path the framework cannot decode: with a matrix
 * parameter, RESTEasy Reactive decodes {@code %25} twice ({@code /v1/sources/%25s;x=1}).
 *
 * <p>Only a URI with a percent sign or a control character can decode to such text or fail to
 * decode, so every other request, tracking calls included, costs one scan of its URI.
 */
public class TextParameterFilter {

    /** Before the path is matched to a route: a 404 is named by the decoded path too. */
    @ServerRequestFilter(preMatching = true)
    public Response refuseUndecodable(UriInfo uri, HttpServerRequest request) {
        if (!mayHoldUnstorable(request.uri())) {
            return null;
        }
        try {
            uri.getPath();
            uri.getQueryParameters(true);
            return null;
        } catch (IllegalArgumentException e) {
            return problem("The request's path or query cannot be decoded: " + e.getMessage() + ".", null, request);
        }
    }

    @ServerRequestFilter
    public Response refuseUnstorable(UriInfo uri, HttpServerRequest request) {
        if (!mayHoldUnstorable(request.uri())) {
            return null;
        }
        List<Problem.Violation> errors = new ArrayList<>();
        try {
            check("path.", uri.getPathParameters(true), errors);
            check("query.", uri.getQueryParameters(true), errors);
        } catch (IllegalArgumentException e) {
            return problem("The request's path or query cannot be decoded: " + e.getMessage() + ".", null, request);
        }
        return errors.isEmpty() ? null
                : problem("The request's path or query holds text that cannot be stored.", errors, request);
    }

    static boolean mayHoldUnstorable(String rawUri) {
        for (int i = 0; i < rawUri.length(); i++) {
            char c = rawUri.charAt(i);
            if (c == '%' || c < 0x20) {
                return true;
            }
        }
        return false;
    }

    private static void check(String prefix, MultivaluedMap<String, String> parameters, List<Problem.Violation> errors) {
        parameters.forEach((name, values) -> {
            String shown = StoredText.storable(name) ? name : "(a parameter)";
            String field = prefix + shown;
            if (!StoredText.storable(name)) {
                errors.add(new Problem.Violation(field, "the name of a parameter " + StoredText.fault(name)
                        + ", which cannot be stored"));
            }
            for (String value : values) {
                if (value != null && !StoredText.storable(value)) {
                    errors.add(new Problem.Violation(field, StoredText.valueFault(shown, value)));
                }
            }
        });
    }

    /** Named by the path as it came (always a valid URI reference), not decoded. */
    private static Response problem(String detail, List<Problem.Violation> errors, HttpServerRequest request) {
        Problem problem = Problem.of(400, "Bad Request", detail).withInstance(request.path());
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(errors == null ? problem : problem.withErrors(errors))
                .build();
    }
}
