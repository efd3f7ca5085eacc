package io.touchpoint.gateway.unsubscribe.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.gateway.unsubscribe.domain.Preferences;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeToken;
import io.touchpoint.platform.api.InvalidRequestException;

/**
 * The preference center, behind the same signed token as the unsubscribe link: the topics of the
 * message's channel with a box each, checked where the person consents now; saving sends what
 * changed to profile-service as consent statements.
 */
@Path("/v1/preferences/{token}")
@PermitAll
public class PreferencesResource {

    private final UnsubscribeLinks links;
    private final Preferences preferences;

    PreferencesResource(UnsubscribeLinks links, Preferences preferences) {
        this.links = links;
        this.preferences = preferences;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The preference center: the topics of the message's channel, checked where the person consents")
    public Uni<String> show(@PathParam("token") String token) {
        return verified(token).chain(t -> preferences.current(t).map(topics -> page(t, topics, null)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Save the choices: each shown topic is granted when checked and withdrawn when not, where that changes it")
    public Uni<String> save(@PathParam("token") String token, @FormParam("shown") List<String> shown,
            @FormParam("topic") List<String> checked) {
        return verified(token).chain(t -> preferences.choose(t, new LinkedHashSet<>(shown == null ? List.of() : shown),
                new LinkedHashSet<>(checked == null ? List.of() : checked))
                .chain(changed -> preferences.current(t).map(topics -> {
                    // The projection learns of the change when profile-service's change comes back; show the choice made.
                    Map<String, Boolean> shownNow = new java.util.LinkedHashMap<>(topics);
                    for (String topic : changed) {
                        shownNow.computeIfPresent(topic, (k, v) -> !v);
                    }
                    return page(t, shownNow, changed.isEmpty() ? "Nothing changed." : "Saved.");
                })));
    }

    private Uni<UnsubscribeToken> verified(String token) {
        return links.verify(token).map(found -> found.orElseThrow(() -> InvalidRequestException.field("path.token",
                "is not a link this service made; use the link from your message")));
    }

    private static String page(UnsubscribeToken t, Map<String, Boolean> topics, String notice) {
        StringBuilder html = new StringBuilder("<p>").append(escape(t.channel())).append(" messages to ")
                .append(escape(t.address())).append("</p>");
        if (notice != null) {
            html.append("<p role=\"status\">").append(notice).append("</p>");
        }
        html.append("<form method=\"post\">");
        topics.forEach((topic, granted) -> html.append("<label><input type=\"checkbox\" name=\"topic\" value=\"")
                .append(escape(topic)).append('"').append(granted ? " checked" : "").append("> ")
                .append(topic.equals(ConsentState.ANY_TOPIC) ? "everything" : escape(topic))
                .append("</label><input type=\"hidden\" name=\"shown\" value=\"").append(escape(topic)).append("\"><br>"));
        return Pages.page("Your preferences", html.append("<button type=\"submit\">Save</button></form>").toString());
    }

    private static String escape(String s) {
        return Pages.escape(s);
    }
}
