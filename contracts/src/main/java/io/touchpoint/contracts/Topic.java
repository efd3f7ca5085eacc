package io.touchpoint.contracts;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every Kafka topic that crosses a service boundary. Topics are created up front with these
 * partition counts (see {@link TopicAdmin}); brokers run with auto-creation off so a typo in a
 * channel name fails loudly instead of creating a one-partition topic nobody reads.
 */
public enum Topic {
    /** Validated tracking calls from every source; keyed by the caller's identity (anonymousId, else userId). */
    INTERACTIONS("touchpoint.interactions.v1", 6),
    /** A profile's traits, computed attributes, consent or identity changed; keyed by profile id. */
    PROFILE_CHANGES("touchpoint.profile-changes.v1", 6),
    /** A profile entered or left a segment; keyed by profile id. */
    SEGMENT_MEMBERSHIPS("touchpoint.segment-memberships.v1", 6),
    /** A journey asks the gateway to send a message; keyed by profile id. */
    MESSAGE_REQUESTS("touchpoint.message-requests.v1", 6),
    /** A profile entered a journey, reached a node, or exited it (with why); keyed by profile id. */
    JOURNEY_EVENTS("touchpoint.journey-events.v1", 6),
    /** What happened to a message: sent, delivered, bounced, opened, clicked; keyed by profile id. */
    DELIVERY_EVENTS("touchpoint.delivery-events.v1", 6),
    /** A person asked to be forgotten; every service deletes what it holds; keyed by profile id. */
    ERASURES("touchpoint.erasures.v1", 3),
    /** Records a consumer could not process (malformed, or failing after retries), kept for inspection and replay. */
    DEAD_LETTERS("touchpoint.dead-letters.v1", 3);

    private final String topicName;
    private final int partitions;

    Topic(String topicName, int partitions) {
        this.topicName = topicName;
        this.partitions = partitions;
    }

    public String topicName() {
        return topicName;
    }

    public int partitions() {
        return partitions;
    }

    public static Optional<Topic> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(name)).findFirst();
    }
}
