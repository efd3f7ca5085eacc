package io.touchpoint.contracts.events;

import java.time.Instant;

/**
 * What happened to a profile in a journey, so analytics can count per journey, version and node:
 * {@code entered} (at the start node), {@code node} (a node was reached: a message requested, a wait
 * begun), {@code exited} (with the reason: completed, an exit event, archived). Keyed by profile id.
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
        ENTERED, NODE, EXITED
    }
}
