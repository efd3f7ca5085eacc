package io.touchpoint.gateway.unsubscribe.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeToken;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;
import io.touchpoint.gateway.unsubscribe.domain.Unsubscribes;
import io.touchpoint.platform.api.InvalidRequestException;

/**
 * The link in every marketing email's List-Unsubscribe header; the signed token is the only
 * credential. POST is RFC 8058's one-click (mail clients send {@code List-Unsubscribe=One-Click});
 * GET only shows a button that POSTs, since link scanners and mail-privacy proxies fetch every link
 * and must not unsubscribe anyone.
 */
@Path("/v1/unsubscribe/{token}")
@PermitAll
public class UnsubscribeResource {

    private final UnsubscribeLinks links;
    private final Unsubscribes unsubscribes;

    UnsubscribeResource(UnsubscribeLinks links, Unsubscribes unsubscribes) {
        this.links = links;
        this.unsubscribes = unsubscribes;
    }

    @POST
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "One-click unsubscribe (RFC 8058): withdraws the consent for the email's channel and topic; again changes nothing")
    public Uni<String> unsubscribe(@PathParam("token") String token) {
        return verified(token).chain(t -> unsubscribes.unsubscribe(t, Unsubscribes.Route.ONE_CLICK)
                .map(first -> Pages.page("You are unsubscribed", "<p>You will get no more " + what(t) + ".</p>")));
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The page behind the unsubscribe link: a button that unsubscribes (nothing changes until it is pressed)")
    public Uni<String> confirm(@PathParam("token") String token) {
        return verified(token).map(t -> Pages.page("Unsubscribe", "<p>Stop " + what(t) + "?</p>"
                + "<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>"));
    }

    private Uni<UnsubscribeToken> verified(String token) {
        return links.verify(token).map(found -> found.orElseThrow(() -> InvalidRequestException.field("path.token",
                "is not an unsubscribe link this service made; use the link from your email")));
    }

    private static String what(UnsubscribeToken t) {
        return (t.topic().equals("*") ? "" : Pages.escape(t.topic()) + " ") + Pages.escape(t.channel()) + " messages to "
                + Pages.escape(t.address());
    }
}
