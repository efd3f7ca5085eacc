package io.touchpoint.gateway.recipient.domain;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.touchpoint.contracts.events.ProfileChanged;

/**
 * Turns profile-service's change record into the gateway's recipient. Preferences arrive as the
 * JSON profile-service stored ({@code channelOrder}, {@code timeZone}, {@code locale},
 * {@code quietHours} {@code {start, end}}); a value the gateway cannot read is left out rather than
 * failing the record, since profile-service validated what its API took and traits are free-form.
 */
public final class RecipientProjection {

    private RecipientProjection() {
    }

    public static Recipient of(ProfileChanged change) {
        Map<String, Object> traits = change.traits() == null ? Map.of() : change.traits();
        Map<String, Object> prefs = change.preferences() == null ? Map.of() : change.preferences();
        return new Recipient(change.profileId(), change.version(), text(traits.get("email")), text(traits.get("phone")),
                change.consents(), channelOrder(prefs.get("channelOrder")), zone(prefs.get("timeZone")),
                text(prefs.get("locale")), quietHours(prefs.get("quietHours")), traits, change.computed());
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.strip() : null;
    }

    private static List<String> channelOrder(Object value) {
        List<String> order = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object channel : list) {
                if (channel instanceof String s && !order.contains(s)) {
                    order.add(s);
                }
            }
        } else if (value instanceof String s) {
            for (String channel : s.split(",")) {
                if (!channel.isBlank() && !order.contains(channel.strip())) {
                    order.add(channel.strip());
                }
            }
        }
        return order;
    }

    private static ZoneId zone(Object value) {
        if (value instanceof String s) {
            try {
                return ZoneId.of(s);
            } catch (DateTimeException e) {
                return null;
            }
        }
        return null;
    }

    private static Recipient.QuietHours quietHours(Object value) {
        if (value instanceof Map<?, ?> window && window.get("start") instanceof String start
                && window.get("end") instanceof String end) {
            try {
                LocalTime from = LocalTime.parse(start);
                LocalTime to = LocalTime.parse(end);
                return from.equals(to) ? null : new Recipient.QuietHours(from, to);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
