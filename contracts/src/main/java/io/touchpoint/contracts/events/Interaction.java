package io.touchpoint.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * One validated tracking call (Segment spec: identify, track, page, screen, group, alias) as the
 * gateway accepted it from source {@code sourceId}.
 *
 * <p>{@code timestamp} is when it happened, corrected for client clock skew
 * ({@code receivedAt - (sentAt - originalTimestamp)} when the client sent both);
 * {@code originalTimestamp} and {@code sentAt} are the client's own clock readings as sent;
 * {@code receivedAt} is the gateway's clock. {@code (sourceId, messageId)} identifies the call:
 * consumers process it once. Keyed by {@link #partitionKey()}.
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
        String category,
        Map<String, Object> properties,
        Map<String, Object> traits,
        Map<String, Object> context,
        Map<String, Object> integrations,
        Instant timestamp,
        Instant originalTimestamp,
        Instant sentAt,
        Instant receivedAt) {

    public static final String IDENTIFY = "identify";
    public static final String TRACK = "track";
    public static final String PAGE = "page";
    public static final String SCREEN = "screen";
    public static final String GROUP = "group";
    public static final String ALIAS = "alias";

    /**
     * The source of identifies journey-service publishes for an update-traits step. They name their
     * profile in {@code context.touchpoint.profileId}, which profile-service honours from this source
     * only (the gateway stamps tracked calls with their own source's id).
     */
    public static final String JOURNEY_SOURCE = "journey-service";

    /**
     * The source of what channel-gateway reports about a person from a message it sent: consent
     * given or withdrawn through it (named by the address it went to), and opens, clicks and bounces
     * of an email ({@code Email Opened}, {@code Email Clicked}, {@code Email Bounced}, naming the profile in
     * {@code context.touchpoint.profileId} like {@link #JOURNEY_SOURCE}'s identifies). Tracked calls
     * carry their own source's id, a UUID, never this.
     */
    public static final String GATEWAY_SOURCE = "channel-gateway";

    /** The context by which {@link #JOURNEY_SOURCE} and {@link #GATEWAY_SOURCE} name a profile by its id. */
    public static Map<String, Object> addressedTo(String profileId) {
        return Map.of("touchpoint", Map.of("profileId", profileId));
    }

    /** The profile id the context names ({@link #addressedTo}), if any; whether to trust it is the reader's call, by source. */
    public String addressedProfileId() {
        if (context == null || !(context.get("touchpoint") instanceof Map<?, ?> touchpoint)) {
            return null;
        }
        return touchpoint.get("profileId") instanceof String id && !id.isBlank() ? id : null;
    }

    /**
     * A device's calls stay on one partition, in order, across the identify that names its user:
     * the anonymous id is the stable key when there is one.
     */
    public String partitionKey() {
        return anonymousId != null && !anonymousId.isBlank() ? anonymousId : userId;
    }
}
