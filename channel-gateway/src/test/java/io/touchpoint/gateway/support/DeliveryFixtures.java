package io.touchpoint.gateway.support;


import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.awaitility.core.ConditionTimeoutException;

import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Recipients and message requests fed to the gateway through the real broker, as profile-service and journeys would. */
public final class DeliveryFixtures {

    private final TestEvents events;
    private final Pool pool;
    private final RecipientStore recipients;
    private final String bootstrap;

    public DeliveryFixtures(String bootstrap, TestEvents events, Pool pool, RecipientStore recipients) {
        this.bootstrap = bootstrap;
        this.events = events;
        this.pool = pool;
        this.recipients = recipients;
    }

    public static ConsentState granted(String channel, String topic) {
        return new ConsentState(channel, topic, ConsentState.Status.GRANTED, false, Instant.now().minusSeconds(60), "test");
    }

    /** Publishes the profile's state and waits until the gateway holds it. */
    public void recipient(String profileId, String email, List<ConsentState> consents, Map<String, Object> preferences) {
        recipient(profileId, Map.of("email", email, "firstName", "Ada"), consents, preferences);
    }

    /** A recipient with these traits (its addresses among them: email, phone). */
    public void recipient(String profileId, Map<String, Object> traits, List<ConsentState> consents,
            Map<String, Object> preferences) {
        long version = System.nanoTime();
        events.publish(Topic.PROFILE_CHANGES, profileId, EventTypes.PROFILE_CHANGED, new ProfileChanged(profileId, version,
                Set.of("traits"), traits, Map.of(), consents, preferences, List.of(), null, Instant.now()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pool.withConnection(c -> recipients.find(c, profileId))
                .await().atMost(Duration.ofSeconds(10)).map(r -> r.version() == version).orElse(false));
    }

    public MessageRequested request(String profileId, String journeyId, String templateId, String topic, boolean transactional,
            Instant requestedAt) {
        return new MessageRequested("req-" + UUID.randomUUID(), profileId, journeyId, "step-1", "email", templateId, topic,
                transactional, Map.of("offer", "10 free spins"), requestedAt);
    }

    /** A request on a given channel, with no variables. */
    public MessageRequested requestOn(String channel, String profileId, String templateId, String topic, boolean transactional,
            Instant requestedAt) {
        return new MessageRequested("req-" + UUID.randomUUID(), profileId, "j-" + channel, "step-1", channel, templateId, topic,
                transactional, Map.of(), requestedAt);
    }

    public void publish(MessageRequested request) {
        events.publish(Topic.MESSAGE_REQUESTS, request.profileId(), EventTypes.MESSAGE_REQUESTED, request);
    }

    public EventLog<DeliveryEvent> deliveryEvents() {
        return EventLog.of(bootstrap, Topic.DELIVERY_EVENTS, DeliveryEvent.class);
    }

    /** Waits for the request's first event with this status. */
    public DeliveryEvent await(String requestId, DeliveryEvent.Status status) {
        return await(requestId, new DeliveryEvent.Status[] { status });
    }

    /**
     * The first of these outcomes the request came to. When none comes, the failure says where the
     * request is instead: its ledger row, its decisions and the events it had, so a failure on a CI
     * machine can be read without the run's logs.
     */
    public DeliveryEvent await(String requestId, DeliveryEvent.Status... anyOf) {
        List<DeliveryEvent.Status> statuses = List.of(anyOf);
        try {
            return deliveryEvents().await(e -> e.requestId().equals(requestId) && statuses.contains(e.status()), 1).get(0)
                    .event();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(whereIs(requestId) + "; awaited " + statuses, e);
        }
    }

    /** The request's ledger row, its decisions and its delivery events, as text. */
    public String whereIs(String requestId) {
        String row = pool.preparedQuery("SELECT state, reason, detail, sending_at, updated_at FROM delivery"
                + " WHERE request_id = $1").execute(Tuple.of(requestId)).await().atMost(Duration.ofSeconds(10)).stream()
                .map(r -> r.getString("state") + " (" + r.getString("reason") + ": " + r.getString("detail") + "; sending at "
                        + r.getValue("sending_at") + ", updated " + r.getValue("updated_at") + ")")
                .findFirst().orElse("not in the ledger");
        List<String> decisions = pool.preparedQuery("SELECT at, state, channel, reason, detail FROM delivery_decision"
                + " WHERE request_id = $1 ORDER BY id").execute(Tuple.of(requestId)).await().atMost(Duration.ofSeconds(10))
                .stream().map(r -> r.toJson().encode()).toList();
        List<String> seen = eventsOf(requestId).stream().map(p -> p.event().status() + " " + p.event().reason() + " "
                + p.event().detail()).toList();
        return "request " + requestId + " is " + row + "; delivery events " + seen + "; decisions "
                + decisions;
    }

    public List<EventLog.Published<DeliveryEvent>> eventsOf(String requestId) {
        return deliveryEvents().matching(e -> e.requestId().equals(requestId));
    }
}
