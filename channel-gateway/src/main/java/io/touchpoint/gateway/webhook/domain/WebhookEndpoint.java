package io.touchpoint.gateway.webhook.domain;

import java.time.Instant;
import java.util.List;

/**
 * A partner's receiver, by the stable key webhook templates name: where calls go, whether they
 * go there now, and the secrets that sign them (the current one first; during a rotation also the
 * previous one, until its overlap ends).
 */
public record WebhookEndpoint(String key, String url, String description, boolean enabled, List<Secret> secrets,
        Instant createdAt, Instant updatedAt) {

    public WebhookEndpoint {
        secrets = List.copyOf(secrets);
    }

    /** A signing secret; {@code expiresAt} null for the current one. */
    public record Secret(String value, Instant createdAt, Instant expiresAt) {
    }

    /** The secrets that sign a call made at {@code now}. */
    public List<String> signing(Instant now) {
        return secrets.stream().filter(s -> s.expiresAt() == null || s.expiresAt().isAfter(now)).map(Secret::value).toList();
    }
}
