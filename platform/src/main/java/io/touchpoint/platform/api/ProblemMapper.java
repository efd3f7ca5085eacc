package io.touchpoint.platform.api;

import java.util.List;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.touchpoint.contracts.Problem;
import io.vertx.pgclient.PgException;

/** Every error a service answers is an RFC 9457 problem; nothing leaks a stack trace. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated("A bearer token is required.", uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated("The bearer token is invalid or expired.", uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(Problem.of(403, "Forbidden", "Your role does not allow this operation."), uri);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(v.getPropertyPath().toString(), v.getMessage())).toList();
        return problem(Problem.of(400, "Bad Request", "The request is not valid.").withErrors(violations), uri);
    }

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e, UriInfo uri) {
        return problem(Problem.of(400, "Bad Request", e.getMessage()).withErrors(e.violations()), uri);
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e, UriInfo uri) {
        return problem(Problem.of(409, "Conflict", e.getMessage()), uri);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return problem(Problem.of(400, "Bad Request", "The body is not valid JSON for this operation" + where + "."), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        // The JSON body reader reports syntax errors wrapped in a plain 400; say what is wrong and where.
        if (e.getCause() instanceof JsonProcessingException json && e.getResponse().getStatus() == 400) {
            return unreadableJson(json, uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return problem(Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()), uri);
    }

    /**
     * Text PostgreSQL cannot store (a NUL character) that got past the request checks: the
     * transaction failed whole, so nothing was written; the caller gets a 400, not a 500.
     */
    @ServerExceptionMapper
    public Response database(PgException e, UriInfo uri) {
        if (StoredText.UNSTORABLE_STATES.contains(e.getSqlState())) {
            return problem(Problem.of(400, "Bad Request", StoredText.UNSTORABLE), uri);
        }
        return unexpected(e, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.error("unexpected failure on " + uri.getPath(), e);
        return problem(Problem.of(500, "Internal Server Error", "The request failed; it has been logged."), uri);
    }

    private static Response unauthenticated(String detail, UriInfo uri) {
        return Response.fromResponse(problem(Problem.of(401, "Unauthorized", detail), uri))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    static Response problem(Problem problem, UriInfo uri) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                .entity(problem.withInstance(uri.getPath())).build();
    }
}
