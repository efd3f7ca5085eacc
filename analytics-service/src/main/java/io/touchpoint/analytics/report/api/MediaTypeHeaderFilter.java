package io.touchpoint.analytics.report.api;

import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.touchpoint.contracts.Problem;
import io.vertx.core.http.HttpServerRequest;

/**
 * A report route answers JSON or CSV from two methods on one path, so the framework reads the
 * request's {@code Content-Type} and {@code Accept} to choose between them, and a header that is not a
 * media type ({@code ;;}, an empty {@code Content-Type}) would fail there as a 500. It is refused first, as a 400 naming the header.
 */
public class MediaTypeHeaderFilter {

    private static final String REPORTS = "/v1/reports";

    @ServerRequestFilter(preMatching = true)
    public Response refuseMalformed(HttpServerRequest request) {
        if (!request.path().startsWith(REPORTS)) {
            return null;
        }
        for (String header : List.of("Content-Type", "Accept")) {
            String value = request.getHeader(header);
            if (value == null || value.isBlank() && header.equals("Accept")) {
                continue;
            }
            try {
                if (value.isBlank()) {
                    throw new IllegalArgumentException("empty");
                }
                for (String part : value.split(",")) {
                    if (!part.isBlank()) {
                        MediaType.valueOf(part.trim());
                    }
                }
            } catch (IllegalArgumentException e) {
                Problem problem = Problem.of(400, "Bad Request", "The request's " + header + " header is not a media type.")
                        .withInstance(request.path())
                        .withErrors(List.of(new Problem.Violation("header." + header, "'" + value + "' is not a media type")));
                return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem).build();
            }
        }
        return null;
    }
}
