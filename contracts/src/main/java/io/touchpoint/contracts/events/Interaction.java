package io.touchpoint.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * One validated tracking call (Segment spec: identify, track, page, screen, group, alias) as the
 * gateway accepted it. {@code timestamp} is already corrected for client clock skew;
 * {@code receivedAt} is the gateway's clock. Keyed by {@link #partitionKey()}.
 */
public record Interaction(
        String messageId,
        String sourceId,
        String type,
        String userId,
        String anonymousId,
        String previousId,
        String groupId,
        String event,
        String name,
        Map<String, Object> properties,
        Map<String, Object> traits,
        Map<String, Object> context,
        Instant timestamp,
        Instant receivedAt) {

    /**
     * A device's calls stay on one partition, in order, across the identify that names its user:
     * the anonymous id is the stable key when there is one.
     */
    public String partitionKey() {
        return anonymousId != null && !anonymousId.isBlank() ? anonymousId : userId;
    }
}
