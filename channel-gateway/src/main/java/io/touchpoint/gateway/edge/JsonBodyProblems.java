package io.touchpoint.gateway.edge;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.tracking.domain.StorableText;
import io.vertx.core.http.HttpServerRequest;

/**
 * JSON bodies of the wrong shape for an operation ({@code false}, {@code []}, an array where a name
 * goes) as problem+json. The body reader hands these on as they are, and Quarkus' own mapper for
 * them (more specific than the platform's {@code JsonProcessingException} one) answers a bare 400,
 * or Jackson's details in dev and test mode. Also the strings {@link StorableJsonText} refuses.
 *
 * <p>Belongs in the shared platform's problem mapper; once this service uses one that has it, this
 * can go.
 */
public class JsonBodyProblems {

    @ServerExceptionMapper
    public Response unstorable(StorableJsonText.UnstorableJsonText e, HttpServerRequest request) {
        String field = path(e);
        return problem(Problem.of(400, "Bad Request", "The body holds text that cannot be stored.")
                .withErrors(List.of(new Problem.Violation(field, StorableText.valueFault(field, e.text())))), request);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        Problem problem = Problem.of(400, "Bad Request", "The body is not valid JSON for this operation" + where + ".");
        String field = path(e);
        if (!field.isEmpty()) {
            problem = problem.withErrors(List.of(new Problem.Violation(field, field + " is not of the type this operation "
                    + "takes")));
        }
        return problem(problem, request);
    }

    /** {@code name}, {@code items[2].sku}: the member the failure is about, or empty for the body itself. */
    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(StorableText.storable(reference.getFieldName()) ? reference.getFieldName() : "(a member)");
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Named by the path as it came: decoding it again can fail (see {@link StorableParameters}). */
    private static Response problem(Problem problem, HttpServerRequest request) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.withInstance(request.path()))
                .build();
    }
}
