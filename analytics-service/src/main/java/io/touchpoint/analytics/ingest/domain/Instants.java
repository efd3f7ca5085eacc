package io.touchpoint.analytics.ingest.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Event times as PostgreSQL keeps them (microseconds), so a state read back equals the one written. */
public final class Instants {

    private Instants() {
    }

    public static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }
}
