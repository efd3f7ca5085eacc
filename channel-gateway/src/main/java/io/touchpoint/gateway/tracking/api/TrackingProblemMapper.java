package io.touchpoint.gateway.tracking.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.tracking.domain.IngestionRejected;
import io.vertx.core.http.HttpServerRequest;

/** Refused tracking calls as problem+json, with the headers SDKs and browsers act on. */
public class TrackingProblemMapper {

    private static final Logger LOG = Logger.getLogger(TrackingProblemMapper.class);

    /** Segment SDKs back off and retry 5xx; this tells others when. */
    static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response rejected(IngestionRejected e, HttpServerRequest request) {
        // The path as it came, as TrackingResource names its own answers: decoding it can fail.
        String path = request.path();
        var reason = e.reason();
        Response.ResponseBuilder response = Response.status(reason.status()).type(Problem.MEDIA_TYPE)
                .entity(IngestionProblem.of(reason.status(), reason.title(), e.getMessage(), path, e.errors()));
        switch (reason) {
            case UNAUTHENTICATED -> response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"touchpoint\"");
            case UNAVAILABLE -> {
                LOG.warnf(e.getCause(), "tracking call on %s answered 503", path);
                response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
            }
            default -> LOG.debugf("tracking call on %s refused: %s", path, e.getMessage());
        }
        return response.build();
    }
}
