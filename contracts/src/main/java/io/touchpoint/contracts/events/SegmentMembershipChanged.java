package io.touchpoint.contracts.events;

import java.time.Instant;

/** A profile entered ({@code entered = true}) or left a segment at {@code at}; exactly one per transition. */
public record SegmentMembershipChanged(
        String profileId, String segmentId, long segmentVersion, boolean entered, Instant at) {
}
