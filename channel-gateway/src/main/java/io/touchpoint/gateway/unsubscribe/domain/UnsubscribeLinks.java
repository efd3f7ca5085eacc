package io.touchpoint.gateway.unsubscribe.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.SigningKeys;

/**
 * The unsubscribe link of a marketing delivery (the same every time it is asked for: the signature
 * is deterministic), and the check of a token that comes back. The key is read once.
 */
@ApplicationScoped
public class UnsubscribeLinks {

    public static final String PATH = "/v1/unsubscribe/";
    public static final String PREFERENCES = "/v1/preferences/";

    private final SigningKeys keys;
    private final UnsubscribeConfig config;

    UnsubscribeLinks(SigningKeys keys, UnsubscribeConfig config) {
        this.keys = keys;
        this.config = config;
    }

    public Uni<String> token(Delivery d) {
        String topic = d.topic() == null ? ConsentState.ANY_TOPIC : d.topic();
        return key().map(k -> new UnsubscribeToken(d.deliveryId(), d.profileId(), d.channel(), topic, d.address()).sign(k));
    }

    public Uni<String> url(Delivery d) {
        return token(d).map(this::url);
    }

    public String url(String token) {
        return base() + PATH + token;
    }

    /** The preference center behind the same token. */
    public String preferencesUrl(String token) {
        return base() + PREFERENCES + token;
    }

    /** Where recipients reach this gateway's public routes, without a trailing slash. */
    public String base() {
        return config.publicUrl().endsWith("/") ? config.publicUrl().substring(0, config.publicUrl().length() - 1)
                : config.publicUrl();
    }

    /** The List-Unsubscribe header's value: the one-click URL, and the mailbox when one is configured. */
    public Uni<String> header(Delivery d) {
        return token(d).map(token -> {
            List<String> targets = new ArrayList<>();
            targets.add("<" + url(token) + ">");
            config.mailto().ifPresent(box -> targets.add("<mailto:" + box + "?subject=unsubscribe%20" + token + ">"));
            return String.join(", ", targets);
        });
    }

    public Uni<Optional<UnsubscribeToken>> verify(String token) {
        return key().map(k -> UnsubscribeToken.verify(k, token));
    }

    private Uni<byte[]> key() {
        return keys.key("unsubscribe");
    }
}
