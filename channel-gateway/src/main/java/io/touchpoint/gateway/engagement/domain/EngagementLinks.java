package io.touchpoint.gateway.engagement.domain;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.SigningKeys;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;

/**
 * The open pixel and click links of an email, under the gateway's public URL (the one its
 * unsubscribe links use), signed with the engagement key; and the check of a token that comes back.
 */
@ApplicationScoped
public class EngagementLinks {

    public static final String OPEN = "/v1/email/open/";
    public static final String CLICK = "/v1/email/click/";
    static final String PURPOSE = "engagement";

    private final SigningKeys keys;
    private final UnsubscribeLinks unsubscribeLinks;
    private final EngagementConfig config;

    EngagementLinks(SigningKeys keys, UnsubscribeLinks unsubscribeLinks, EngagementConfig config) {
        this.keys = keys;
        this.unsubscribeLinks = unsubscribeLinks;
        this.config = config;
    }

    /** The HTML as sent: links tracked and a pixel added, as configured. */
    public Uni<String> instrument(Delivery d, String html, Instant sentAt) {
        if (html == null || !(config.opens() || config.clicks())) {
            return Uni.createFrom().item(html);
        }
        String base = unsubscribeLinks.base();
        return keys.key(PURPOSE).map(key -> TrackedHtml.instrument(html,
                config.clicks() ? url -> base + CLICK + EngagementToken.click(d.deliveryId(), d.profileId(), sentAt, url).sign(key) : null,
                url -> url.startsWith(base + UnsubscribeLinks.PATH) || url.startsWith(base + UnsubscribeLinks.PREFERENCES),
                config.opens() ? base + OPEN + EngagementToken.open(d.deliveryId(), d.profileId(), sentAt).sign(key) : null));
    }

    public Uni<Optional<EngagementToken>> verify(EngagementToken.Kind kind, String token) {
        return keys.key(PURPOSE).map(key -> EngagementToken.verify(key, kind, token));
    }
}
