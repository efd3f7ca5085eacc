package io.touchpoint.platform.api;

import java.util.List;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.touchpoint.contracts.Problem;
import io.touchpoint.platform.json.StoredTextDeserializer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgException;

/** Every error a service answers is an RFC 9457 problem; nothing leaks a stack trace. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
        return unauthenticated("A bearer token is required.", request);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        return unauthenticated("The bearer token is invalid or expired.", request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return problem(Problem.of(403, "Forbidden", "Your role does not allow this operation."), request);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, HttpServerRequest request) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(v.getPropertyPath().toString(), v.getMessage())).toList();
        return problem(Problem.of(400, "Bad Request", "The request is not valid.").withErrors(violations), request);
    }

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e, HttpServerRequest request) {
        return problem(Problem.of(400, "Bad Request", e.getMessage()).withErrors(e.violations()), request);
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e, HttpServerRequest request) {
        return problem(Problem.of(409, "Conflict", e.getMessage()), request);
    }

    @ServerExceptionMapper
    public Response unstorable(StoredTextDeserializer.UnstorableJsonText e, HttpServerRequest request) {
        String field = path(e);
        return problem(Problem.of(400, "Bad Request", "The body holds text that cannot be stored.")
                .withErrors(List.of(new Problem.Violation(field, StoredText.valueFault(field, e.text())))), request);
    }

    /**
     * A body of the wrong shape for the operation ({@code false}, {@code []}, an array where a name
     * goes). Quarkus' own mapper for it, more specific than the one for {@code JsonProcessingException},
     * would answer a bare 400.
     */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        Problem problem = Problem.of(400, "Bad Request", "The body is not valid JSON for this operation" + where + ".");
        String field = path(e);
        if (!field.isEmpty()) {
            problem = problem.withErrors(List.of(new Problem.Violation(field, field + " is not of the type this operation takes")));
        }
        return problem(problem, request);
    }

    /** A member the operation does not know (only where the resource is {@link StrictBody}): named, with the ones it knows. */
    @ServerExceptionMapper
    public Response unknownMember(UnrecognizedPropertyException e, HttpServerRequest request) {
        String field = path(e);
        List<String> known = e.getKnownPropertyIds() == null ? List.of()
                : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
        return problem(Problem.of(400, "Bad Request", "The body has a member this operation does not know.")
                .withErrors(List.of(new Problem.Violation(field, "is not a field here"
                        + (known.isEmpty() ? "" : " (" + String.join(", ", known) + ")")))), request);
    }

    /** {@code name}, {@code items[2].sku}: the member a failure is about, or empty for the body itself. */
    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(StoredText.storable(reference.getFieldName()) ? reference.getFieldName() : "(a member)");
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, HttpServerRequest request) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return problem(Problem.of(400, "Bad Request", "The body is not valid JSON for this operation" + where + "."), request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        // The JSON body reader reports syntax errors wrapped in a plain 400; say what is wrong and where.
        if (e.getCause() instanceof JsonProcessingException json && e.getResponse().getStatus() == 400) {
            return unreadableJson(json, request);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return problem(Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()), request);
    }

    /**
     * Text PostgreSQL cannot store (a NUL character) that got past the request checks: the
     * transaction failed whole, so nothing was written; the caller gets a 400, not a 500.
     */
    @ServerExceptionMapper
    public Response database(PgException e, HttpServerRequest request) {
        if (StoredText.UNSTORABLE_STATES.contains(e.getSqlState())) {
            return problem(Problem.of(400, "Bad Request", StoredText.UNSTORABLE), request);
        }
        return unexpected(e, request);
    }

    /**
     * A form body (application/x-www-form-urlencoded) that is not percent-encoded UTF-8, or has a broken
     * percent escape ({@code %zz}): RESTEasy Reactive's form reader fails before any resource runs, with
     * a plain IllegalArgumentException. That is the sender's fault (a 400), not the service's.
     */
    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e, HttpServerRequest request) {
        StackTraceElement[] at = e.getStackTrace();
        if (at.length > 0 && at[0].getClassName().startsWith("org.jboss.resteasy.reactive.")
                && (at[0].getClassName().equals("org.jboss.resteasy.reactive.common.util.URLUtils")
                        || String.valueOf(e.getMessage()).startsWith("Failed to decode"))) {
            // The message may quote the body, which may hold anything: it is not echoed.
            return problem(Problem.of(400, "Bad Request", "The form body is not percent-encoded UTF-8."), request);
        }
        return unexpected(e, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        LOG.error("unexpected failure on " + request.path(), e);
        return problem(Problem.of(500, "Internal Server Error", "The request failed; it has been logged."), request);
    }

    private static Response unauthenticated(String detail, HttpServerRequest request) {
        return Response.fromResponse(problem(Problem.of(401, "Unauthorized", detail), request))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    /**
     * Named by the path as it came (always a valid URI reference): decoding it again can fail on a
     * path the framework could not decode in the first place.
     */
    static Response problem(Problem problem, HttpServerRequest request) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                .entity(problem.withInstance(request.path())).build();
    }
}
