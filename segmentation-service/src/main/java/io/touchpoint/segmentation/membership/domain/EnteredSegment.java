package io.touchpoint.segmentation.membership.domain;

import java.time.Instant;

/**
 * A segment a profile is in and when it entered, as the lookup shows it: {@code enteredAt} is the
 * ISO-8601 text {@link Instant#toString()} prints, which is also how the Redis cache stores it and
 * how the API writes instants, so a cached read passes it through instead of parsing and printing it.
 */
public record EnteredSegment(String segmentId, String enteredAt) {

    public static EnteredSegment of(String segmentId, Instant enteredAt) {
        return new EnteredSegment(segmentId, enteredAt.toString());
    }
}
