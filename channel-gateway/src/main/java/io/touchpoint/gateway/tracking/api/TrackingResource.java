package io.touchpoint.gateway.tracking.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.tracking.domain.IngestionResult;
import io.touchpoint.gateway.tracking.domain.IngestionService;
import io.touchpoint.gateway.tracking.domain.MessageType;
import io.touchpoint.gateway.tracking.domain.TrackingCall;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Segment HTTP Tracking API, so that Segment and RudderStack SDKs work by changing only the
 * host. Authenticated by write key, not JWT. Bodies are read as bytes whatever their content type:
 * browsers send JSON as text/plain to avoid a CORS preflight, and some SDKs send no content type.
 */
@Path("/v1")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class TrackingResource {

    /** Exactly what Segment answers; some SDKs look for it. */
    @RegisterForReflection
    public record Success(boolean success) {
    }

    private static final Success SUCCESS = new Success(true);

    @Inject
    IngestionService ingestion;

    @POST
    @Path("identify")
    @Operation(summary = "Who the user is, and their traits")
    public Uni<Response> identify(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.IDENTIFY, body, request);
    }

    @POST
    @Path("track")
    @Operation(summary = "An action the user performed (event)")
    public Uni<Response> track(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.TRACK, body, request);
    }

    @POST
    @Path("page")
    @Operation(summary = "A web page the user viewed")
    public Uni<Response> page(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.PAGE, body, request);
    }

    @POST
    @Path("screen")
    @Operation(summary = "An app screen the user viewed")
    public Uni<Response> screen(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.SCREEN, body, request);
    }

    @POST
    @Path("group")
    @Operation(summary = "The account, company or household the user belongs to")
    public Uni<Response> group(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.GROUP, body, request);
    }

    @POST
    @Path("alias")
    @Operation(summary = "Merge a previous identity (previousId) into userId")
    public Uni<Response> alias(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.ALIAS, body, request);
    }

    @POST
    @Path("batch")
    @Operation(summary = "Up to 500 KB of messages of any type; valid ones are accepted even if others are not")
    public Uni<Response> batch(byte[] body, @Context HttpServerRequest request) {
        return ingest(null, body, request);
    }

    @POST
    @Path("import")
    @Operation(summary = "Same as batch (historical imports; analytics-java posts here)")
    public Uni<Response> importBatch(byte[] body, @Context HttpServerRequest request) {
        return ingest(null, body, request);
    }

    // analytics.js (Segment's browser SDK) posts to one-letter paths: /v1/t, /v1/p, ... and /v1/b when batching.

    @POST
    @Path("i")
    @Operation(hidden = true)
    public Uni<Response> i(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.IDENTIFY, body, request);
    }

    @POST
    @Path("t")
    @Operation(hidden = true)
    public Uni<Response> t(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.TRACK, body, request);
    }

    @POST
    @Path("p")
    @Operation(hidden = true)
    public Uni<Response> p(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.PAGE, body, request);
    }

    @POST
    @Path("s")
    @Operation(hidden = true)
    public Uni<Response> s(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.SCREEN, body, request);
    }

    @POST
    @Path("g")
    @Operation(hidden = true)
    public Uni<Response> g(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.GROUP, body, request);
    }

    @POST
    @Path("a")
    @Operation(hidden = true)
    public Uni<Response> a(byte[] body, @Context HttpServerRequest request) {
        return ingest(MessageType.ALIAS, body, request);
    }

    @POST
    @Path("b")
    @Operation(hidden = true)
    public Uni<Response> b(byte[] body, @Context HttpServerRequest request) {
        return ingest(null, body, request);
    }

    private Uni<Response> ingest(MessageType type, byte[] body, HttpServerRequest request) {
        var call = new TrackingCall(type, body == null ? new byte[0] : body,
                request.getHeader(HttpHeaders.CONTENT_ENCODING), request.getHeader(HttpHeaders.AUTHORIZATION),
                clientIp(request));
        String path = request.path();
        return ingestion.ingest(call).map(result -> answer(result, path));
    }

    private static Response answer(IngestionResult result, String path) {
        if (result.allAccepted()) {
            return Response.ok(SUCCESS, MediaType.APPLICATION_JSON_TYPE).build();
        }
        IngestionProblem problem;
        if (result.batch()) {
            problem = IngestionProblem.of(400, "Bad Request", result.acceptedMessageIds().size() + " of "
                    + (result.acceptedMessageIds().size() + result.rejected()) + " messages were accepted; "
                    + result.rejected() + " were rejected (see errors) and must be fixed and sent again.", path,
                    result.errors()).withCounts(result.acceptedMessageIds(), result.rejected());
        } else {
            problem = IngestionProblem.of(400, "Bad Request", "The message is not valid; it was not accepted.", path,
                    result.errors());
        }
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** Behind a load balancer the peer is the balancer; the first forwarded hop is the device. */
    public static String clientIp(HttpServerRequest request) {
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            String first = forwarded.split(",", 2)[0].strip();
            if (!first.isEmpty()) {
                return first;
            }
        }
        return request.remoteAddress() == null ? null : request.remoteAddress().host();
    }
}
