package io.touchpoint.analytics.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.devstack.testing.TestEvents;

/** Publishes the records other services would, onto the real topics, with the shapes of the contracts. */
final class Scenario {

    private final TestEvents events;

    Scenario(TestEvents events) {
        this.events = events;
    }

    void request(String requestId, String profile, String journey, String node, String template, Instant at) {
        events.publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED,
                new MessageRequested(requestId, profile, journey, node, "email", template, "onboarding", false, Map.of(), at));
    }

    /** @return the event's CloudEvents id, to publish it again as a redelivery */
    String delivery(String requestId, String profile, String journey, String template, DeliveryEvent.Status status, String reason,
            Instant at) {
        return events.publish(Topic.DELIVERY_EVENTS, profile, EventTypes.DELIVERY,
                new DeliveryEvent("d-" + requestId, requestId, profile, journey, template, "email", status, reason, null, at));
    }

    void redeliver(String eventId, String requestId, String profile, String journey, String template, DeliveryEvent.Status status,
            String reason, Instant at) {
        events.publish(Topic.DELIVERY_EVENTS, profile, EventTypes.DELIVERY,
                new DeliveryEvent("d-" + requestId, requestId, profile, journey, template, "email", status, reason, null, at), eventId);
    }

    void arm(String journey, String node, String profile, String arm, Instant at) {
        String id = UUID.randomUUID().toString();
        events.publish(Topic.JOURNEY_EVENTS, profile, EventTypes.JOURNEY_EVENT,
                new JourneyEvent(id, profile, journey, 1, "i-" + journey + "-" + profile, JourneyEvent.Kind.ARM, node, arm, at), id);
    }

    /** A tracked event as profile-service's change record carries it. */
    void tracked(String profile, String event, Map<String, Object> properties, Instant at) {
        tracked(profile, "m-" + UUID.randomUUID(), event, properties, at);
    }

    void tracked(String profile, String messageId, String event, Map<String, Object> properties, Instant at) {
        events.publish(Topic.PROFILE_CHANGES, profile, EventTypes.PROFILE_CHANGED, new ProfileChanged(profile, 1, Set.of("events"),
                Map.of(), Map.of(), List.of(), Map.of(), List.of(),
                new ProfileChanged.Trigger("web", messageId, "track", event, at, properties), at.plusSeconds(1)));
    }

    void registered(String profile, Instant at) {
        events.publish(Topic.PROFILE_CHANGES, profile, EventTypes.PROFILE_CHANGED, new ProfileChanged(profile, 1, Set.of("computed"),
                Map.of(), Map.of("registeredAt", at.toString()), List.of(), Map.of(), List.of(),
                new ProfileChanged.Trigger("web", "reg-" + profile, "track", "Signed Up", at, Map.of()), at.plusSeconds(1)));
    }

    void membership(String profile, String segment, boolean entered, Instant at) {
        events.publish(Topic.SEGMENT_MEMBERSHIPS, profile, EventTypes.SEGMENT_MEMBERSHIP_CHANGED,
                new SegmentMembershipChanged(profile, segment, 1, entered, at));
    }

    static BigDecimal money(String value) {
        return new BigDecimal(value);
    }
}
