package io.touchpoint.gateway.engagement.api;

import java.net.URI;
import java.util.Base64;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.engagement.domain.EngagementLinks;
import io.touchpoint.gateway.engagement.domain.EngagementToken;
import io.touchpoint.gateway.engagement.domain.Engagements;
import io.touchpoint.platform.api.InvalidRequestException;

/**
 * The open pixel and the click redirect in every tracked email; the signed token is the only
 * credential, so these routes need no login and can sit on the public ingress. A click leads only
 * where the signed token says (no open redirect); the event is committed before the answer.
 */
@Path("/v1/email")
@PermitAll
public class EngagementResource {

    /** A transparent 1x1 GIF. */
    private static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final EngagementLinks links;
    private final Engagements engagements;

    EngagementResource(EngagementLinks links, Engagements engagements) {
        this.links = links;
        this.engagements = engagements;
    }

    @GET
    @Path("/open/{token}")
    @Operation(summary = "The open pixel: records an OPENED event (flagged machine for mail-privacy proxies) and answers a transparent GIF")
    public Uni<Response> open(@PathParam("token") String token, @HeaderParam(HttpHeaders.USER_AGENT) String userAgent) {
        return verified(EngagementToken.Kind.OPEN, token).chain(t -> engagements.record(t, "GET", userAgent))
                .map(recorded -> Response.ok(PIXEL, "image/gif").header(HttpHeaders.CACHE_CONTROL, "no-store, max-age=0").build());
    }

    @GET
    @Path("/click/{token}")
    @Operation(summary = "A tracked link: records a CLICKED event (its detail the URL; flagged machine for link scanners) and redirects to the link's URL")
    public Uni<Response> click(@PathParam("token") String token, @HeaderParam(HttpHeaders.USER_AGENT) String userAgent) {
        return clicked(token, "GET", userAgent);
    }

    @HEAD
    @Path("/click/{token}")
    @Operation(summary = "A link scanner's check of a tracked link: redirects like GET; the click is flagged machine")
    public Uni<Response> scan(@PathParam("token") String token, @HeaderParam(HttpHeaders.USER_AGENT) String userAgent) {
        return clicked(token, "HEAD", userAgent);
    }

    private Uni<Response> clicked(String token, String method, String userAgent) {
        return verified(EngagementToken.Kind.CLICK, token).chain(t -> engagements.record(t, method, userAgent)
                .map(recorded -> Response.status(Response.Status.FOUND).location(URI.create(t.url()))
                        .header(HttpHeaders.CACHE_CONTROL, "no-store").build()));
    }

    private Uni<EngagementToken> verified(EngagementToken.Kind kind, String token) {
        return links.verify(kind, token).map(found -> found.orElseThrow(() -> InvalidRequestException.field("path.token",
                "is not a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " link this service made; use the link from your email")));
    }
}
