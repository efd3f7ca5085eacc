package io.touchpoint.contracts.events;

import java.time.Instant;

/**
 * What happened to a profile in a journey, so analytics can count per journey, version and node:
 * {@code entered} (at the start node), {@code node} (a node was reached: a message requested, a wait
 * begun, a branch taken), {@code arm} (a split assigned the arm in {@code detail}, "holdout" included),
 * {@code goal} (the journey's conversion event arrived within its window), {@code exited} (with the
 * reason: completed, an exit event, a segment left, holdout, archived). Keyed by profile id.
 */
public record JourneyEvent(
        String eventId,
        String profileId,
        String journeyId,
        int version,
        String instanceId,
        Kind kind,
        String nodeId,
        String detail,
        Instant at) {

    public enum Kind {
        ENTERED, NODE, ARM, GOAL, EXITED
    }
}
