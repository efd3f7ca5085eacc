package io.touchpoint.gateway.content.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.content.domain.ContentDecisions;
import io.touchpoint.gateway.content.domain.PlacementRegistry;
import io.touchpoint.gateway.content.domain.Visits;
import io.touchpoint.gateway.tracking.api.TrackingResource;
import io.touchpoint.gateway.tracking.domain.IngestionService;
import io.touchpoint.gateway.tracking.domain.MessageType;
import io.touchpoint.gateway.tracking.domain.TrackingCall;
import io.touchpoint.platform.api.InvalidRequestException;
import io.vertx.core.http.HttpServerRequest;

/**
 * On-site content for pages and apps, authenticated like the tracking API (a source's write key):
 * the decision of a placement for a visitor, and the impressions and clicks that come back as
 * {@code Content Viewed} and {@code Content Clicked} tracking events.
 */
@Path("/v1/content")
public class ContentResource {

    static final String VIEWED = "Content Viewed";
    static final String CLICKED = "Content Clicked";
    private static final int MAX_ID = 200;

    /** The decision as the route writes it (documentation: the route writes the JSON itself). */
    @RegisterForReflection
    @Schema(name = "ContentDecision")
    public record DecisionView(String placement, int version,
            @Schema(description = "the variant chosen; null when no variant's rule holds") String variant,
            @Schema(description = "html or json") String contentType,
            @Schema(description = "the variant's content: HTML text, or the JSON value the placement holds") Object content,
            @Schema(description = "report impressions and clicks with it") String decisionId) {
    }

    /** An impression or a click of a decision. */
    @RegisterForReflection
    public record ContentEvent(@Schema(description = "viewed or clicked") String type, String variant, String decisionId,
            Integer version, String anonymousId, String userId, String writeKey, String timestamp,
            Map<String, Object> context) {
    }

    private final ContentDecisions decisions;
    private final IngestionService ingestion;
    private final ObjectMapper mapper;

    ContentResource(ContentDecisions decisions, IngestionService ingestion, ObjectMapper mapper) {
        this.decisions = decisions;
        this.ingestion = ingestion;
        this.mapper = mapper;
    }

    @GET
    @Path("{placement}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The placement's content for a visitor: the highest-priority variant whose rule holds "
            + "(write key as HTTP Basic username or writeKey; anonymousId or userId; the visit: url, referrer, utm_*)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DecisionView.class)))
    public Uni<Response> decide(@PathParam("placement") String placement, @QueryParam("anonymousId") String anonymousId,
            @QueryParam("userId") String userId, @QueryParam("writeKey") String writeKey, @QueryParam("url") String url,
            @QueryParam("referrer") String referrer, @QueryParam("utm_source") String source,
            @QueryParam("utm_medium") String medium, @QueryParam("utm_campaign") String campaign,
            @QueryParam("utm_term") String term, @QueryParam("utm_content") String content,
            @Context HttpServerRequest request) {
        return ingestion.sourceOf(request.getHeader(HttpHeaders.AUTHORIZATION), writeKey).chain(sourceId -> {
            String anonymous = id("anonymousId", anonymousId);
            String user = id("userId", userId);
            if (anonymous == null && user == null) {
                throw InvalidRequestException.field("anonymousId", "anonymousId or userId is required");
            }
            Visits.Request visit = new Visits.Request(blankToNull(url), blankToNull(referrer), blankToNull(source),
                    blankToNull(medium), blankToNull(campaign), blankToNull(term), blankToNull(content));
            return decisions.decide(placement, user, anonymous, visit);
        }).map(decision -> {
            if (decision == null) {
                throw notFound(placement);
            }
            return Response.ok(decision.json(), MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }).onFailure(PlacementRegistry.Unavailable.class).transform(e -> new jakarta.ws.rs.ServiceUnavailableException(
                e.getMessage(), 5L));
    }

    @POST
    @Path("{placement}/events")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An impression (viewed) or click (clicked) of a decision, recorded as a Content Viewed or Content "
            + "Clicked track event with placement, variant, decisionId and version")
    public Uni<Response> event(@PathParam("placement") String placement, byte[] body, @Context HttpServerRequest request) {
        ContentEvent event = read(body);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return ingestion.sourceOf(authorization, event.writeKey()).chain(sourceId -> decisions.placement(placement))
                .chain(found -> {
                    if (found == null) {
                        throw notFound(placement);
                    }
                    String name = "viewed".equals(event.type()) ? VIEWED : "clicked".equals(event.type()) ? CLICKED : null;
                    if (name == null) {
                        throw InvalidRequestException.field("type", "must be viewed or clicked");
                    }
                    if (event.variant() == null || event.variant().isBlank() || event.variant().length() > MAX_ID) {
                        throw InvalidRequestException.field("variant", "must be the key of the variant shown");
                    }
                    String decisionId = id("decisionId", event.decisionId());
                    Map<String, Object> properties = new LinkedHashMap<>();
                    properties.put("placement", placement);
                    properties.put("variant", event.variant());
                    properties.put("version", event.version() != null ? event.version() : found.version());
                    if (decisionId != null) {
                        properties.put("decisionId", decisionId);
                    }
                    Map<String, Object> track = new LinkedHashMap<>();
                    track.put("type", "track");
                    track.put("event", name);
                    // One report of a decision's impression or click: a page sending it twice is a duplicate.
                    if (decisionId != null) {
                        track.put("messageId", "content-" + event.type() + "-" + decisionId);
                    }
                    put(track, "anonymousId", event.anonymousId());
                    put(track, "userId", event.userId());
                    put(track, "writeKey", event.writeKey());
                    put(track, "timestamp", event.timestamp());
                    track.put("properties", properties);
                    if (event.context() != null) {
                        track.put("context", event.context());
                    }
                    var call = new TrackingCall(MessageType.TRACK, write(track), null, authorization,
                            TrackingResource.clientIp(request));
                    return ingestion.ingest(call);
                })
                .map(result -> {
                    if (!result.allAccepted()) {
                        throw new InvalidRequestException("The event is not valid; it was not recorded.", result.errors());
                    }
                    return Response.ok("{\"success\":true}", MediaType.APPLICATION_JSON_TYPE).build();
                });
    }

    private ContentEvent read(byte[] body) {
        if (body == null || body.length == 0) {
            throw InvalidRequestException.field("type", "must be viewed or clicked");
        }
        try {
            return mapper.readValue(body, ContentEvent.class);
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("The body is not a content event.", java.util.List.of(
                    new io.touchpoint.contracts.Problem.Violation("body", "must be a JSON object with type, variant and "
                            + "anonymousId or userId")));
        }
    }

    private byte[] write(Object value) {
        try {
            return mapper.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(Map<String, Object> map, String name, String value) {
        if (value != null) {
            map.put(name, value);
        }
    }

    private static String id(String name, String value) {
        String id = blankToNull(value);
        if (id != null && id.length() > MAX_ID) {
            throw InvalidRequestException.field(name, "must be at most " + MAX_ID + " characters");
        }
        return id;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static NotFoundException notFound(String placement) {
        return new NotFoundException("No placement " + placement + " is published.");
    }
}
