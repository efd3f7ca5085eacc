package io.touchpoint.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * GDPR erasure: every service deletes what it holds about {@code profileId} and about the profiles
 * merged into it ({@code alsoProfileIds}), then records that it did under {@code erasureId}.
 */
public record ProfileErasureRequested(
        String erasureId, String profileId, List<String> alsoProfileIds, Instant requestedAt) {
}
