package io.touchpoint.analytics.report.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How current a report is: {@code asOf}, the newest event time it includes (of the topics it reads),
 * and {@code freshnessSeconds}, how long before now that was. Null when nothing was read yet.
 */
public record Freshness(Instant asOf, Double freshnessSeconds) {

    public static Freshness of(Optional<Instant> newest, Instant now) {
        return newest.map(at -> new Freshness(at, Math.max(0, Duration.between(at, now).toMillis()) / 1000.0))
                .orElse(new Freshness(null, null));
    }
}
