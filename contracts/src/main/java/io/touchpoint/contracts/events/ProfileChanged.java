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
 * {@code trigger} is the interaction that caused the change, if one did, so consumers can keep
 * their own windowed counts without reading the event stream a second time.
 * {@code identifiers} are the identifiers that resolve to the profile at this version, by type
 * ({@code userId}, {@code anonymousId}, {@code email}, ...), so a consumer can find the profile of a
 * visitor it meets by id (channel-gateway's on-site content); absent in changes published before
 * they were added.
 */
public record ProfileChanged(
        String profileId,
        long version,
        Set<String> changed,
        Map<String, Object> traits,
        Map<String, Object> computed,
        List<ConsentState> consents,
        Map<String, Object> preferences,
        List<String> mergedProfileIds,
        Trigger trigger,
        Instant occurredAt,
        Map<String, List<String>> identifiers) {

    /** A change without identifiers: what producers and tests that predate them write. */
    public ProfileChanged(String profileId, long version, Set<String> changed, Map<String, Object> traits,
            Map<String, Object> computed, List<ConsentState> consents, Map<String, Object> preferences,
            List<String> mergedProfileIds, Trigger trigger, Instant occurredAt) {
        this(profileId, version, changed, traits, computed, consents, preferences, mergedProfileIds, trigger, occurredAt, null);
    }

    /** The profiles this change merged into this one; empty, never null, when it merged none. */
    public List<String> mergedIds() {
        return mergedProfileIds == null ? List.of() : mergedProfileIds;
    }

    /** Whether this change merged other profiles into this one (consumers apply such a change on its own). */
    public boolean mergesOthers() {
        return !mergedIds().isEmpty();
    }

    /** The interaction behind a change: its source, id, type, event name, time and properties. */
    public record Trigger(String sourceId, String messageId, String type, String event, Instant timestamp,
            Map<String, Object> properties) {
    }
}
