package io.touchpoint.analytics.segment.domain;

import java.time.Instant;

/** A profile entered or left a segment at an instant; the four fields are its identity (one per transition). */
public record MembershipChange(String profileId, String segmentId, Instant at, boolean entered) {
}
