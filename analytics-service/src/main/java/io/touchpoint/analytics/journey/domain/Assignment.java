package io.touchpoint.analytics.journey.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;

/** A profile's arm at one split of a journey, from the split's first {@code arm} journey event for it. */
public record Assignment(String journeyId, String nodeId, String profileId, String arm, Instant assignedAt) {

    private static final Comparator<Assignment> LATEST = Comparator.comparing(Assignment::assignedAt)
            .thenComparing(Assignment::nodeId);

    /**
     * The arm a message of this journey to this profile belongs to: that of the latest split the
     * profile passed at or before {@code at} (a journey with one split: its arm, the same every time;
     * nested splits: the innermost). {@code ""} when it passed none.
     */
    public static String armAt(Collection<Assignment> ofJourneyAndProfile, Instant at) {
        if (at == null) {
            return "";
        }
        return ofJourneyAndProfile.stream().filter(a -> !a.assignedAt().isAfter(at)).max(LATEST).map(Assignment::arm)
                .orElse("");
    }
}
