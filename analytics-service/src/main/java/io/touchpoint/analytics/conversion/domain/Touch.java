package io.touchpoint.analytics.conversion.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What a message must have done to be credited with a conversion: been received (delivered, or sent
 * where the channel reports no delivery), opened by a person, or clicked by a person. Machine opens
 * and clicks (privacy proxies, link scanners) never earn credit.
 */
public enum Touch {
    RECEIVED("COALESCE(m.delivered_at, m.sent_at)"),
    OPENED("m.opened_human_at"),
    CLICKED("m.clicked_human_at");

    private final String sql;

    Touch(String sql) {
        this.sql = sql;
    }

    /** The instant of the touch, as an expression over the message row {@code m}. */
    public String sql() {
        return sql;
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Touch> parse(String text) {
        for (Touch t : values()) {
            if (t.text().equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
