package io.touchpoint.analytics.conversion.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.touchpoint.analytics.ingest.domain.Instants;
import io.touchpoint.contracts.events.ProfileChanged;

/**
 * An event a profile performed, as profile-service's change record carries the interaction that
 * caused it (the tracking topic is keyed by the caller's identity, the change stream by the resolved
 * profile). Kept once per source and message id, with its numeric properties, so a goal defined
 * later, with any revenue property, counts past events too.
 */
public record TrackedEvent(String sourceId, String messageId, String profileId, String event, Instant at,
        Map<String, BigDecimal> numbers) {

    public static Optional<TrackedEvent> from(ProfileChanged change) {
        ProfileChanged.Trigger t = change.trigger();
        if (t == null || t.messageId() == null || t.type() == null || t.timestamp() == null) {
            return Optional.empty();
        }
        String name = switch (t.type()) {
            case "track" -> t.event();
            case "page" -> "Page Viewed";
            case "screen" -> "Screen Viewed";
            default -> null;
        };
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        Map<String, BigDecimal> numbers = new TreeMap<>();
        if (t.properties() != null) {
            t.properties().forEach((key, value) -> number(value).ifPresent(n -> numbers.put(key, n)));
        }
        return Optional.of(new TrackedEvent(t.sourceId() == null ? "unknown" : t.sourceId(), t.messageId(), change.profileId(),
                name, Instants.micros(t.timestamp()), numbers));
    }

    static Optional<BigDecimal> number(Object value) {
        if (value instanceof Number n) {
            try {
                return Optional.of(new BigDecimal(n.toString()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (value instanceof String s && !s.isBlank() && s.length() < 64) {
            try {
                return Optional.of(new BigDecimal(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** When a profile registered and first purchased, from profile-service's computed attributes. */
    public record Anchors(String profileId, Instant registeredAt, Instant firstPurchaseAt) {

        public static Optional<Anchors> from(ProfileChanged change) {
            if (change.computed() == null) {
                return Optional.empty();
            }
            Instant registered = instant(change.computed().get("registeredAt"));
            Instant firstPurchase = instant(change.computed().get("firstPurchaseAt"));
            return registered == null && firstPurchase == null ? Optional.empty()
                    : Optional.of(new Anchors(change.profileId(), registered, firstPurchase));
        }

        private static Instant instant(Object value) {
            if (!(value instanceof String s)) {
                return null;
            }
            try {
                return Instants.micros(Instant.parse(s));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }
}
