package io.touchpoint.analytics.time.domain;

import java.time.Instant;

/**
 * The UTC grains rollups are kept at. Fifteen minutes divides every zone offset in use since 1972
 * (+05:30, +05:45, +12:45), so any zone's hours and days are whole sets of quarter buckets; the hour
 * and day rows only save reading them.
 */
public enum Grain {
    QUARTER(0, 900), HOUR(1, 3_600), DAY(2, 86_400);

    private final short code;
    private final long seconds;

    Grain(int code, long seconds) {
        this.code = (short) code;
        this.seconds = seconds;
    }

    public short code() {
        return code;
    }

    public long seconds() {
        return seconds;
    }

    /** The start of the bucket of this grain that holds {@code at}. */
    public Instant floor(Instant at) {
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), seconds) * seconds);
    }

    public boolean aligned(Instant at) {
        return at.getNano() == 0 && Math.floorMod(at.getEpochSecond(), seconds) == 0;
    }
}
