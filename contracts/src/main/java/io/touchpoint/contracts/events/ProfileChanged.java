package io.touchpoint.contracts.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A profile's state after a change, with the names of what changed. Carrying the whole evaluable
 * state (not just the delta) lets segmentation evaluate without calling back into profile-service.
 * {@code version} grows with every change of the profile so consumers can drop stale or repeated
 * deliveries. {@code mergedProfileIds} names profiles merged into this one by the change.
 */
public record ProfileChanged(
        String profileId,
        long version,
        Set<String> changed,
        Map<String, Object> traits,
        Map<String, Object> computed,
        List<ConsentState> consents,
        List<String> mergedProfileIds,
        Instant occurredAt) {
}
