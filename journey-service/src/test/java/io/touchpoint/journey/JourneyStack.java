package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.restassured.http.ContentType;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * What the journey tests do on the stack: define and publish through the API, publish changes and
 * memberships as profile-service and segmentation do, read message requests and journey events back
 * from Kafka. One per JVM: the consumers read each topic once for every test.
 */
final class JourneyStack implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);
    /** profile-service numbers every change of a profile; one counter keeps each change newer than the last. */
    private static final AtomicLong VERSIONS = new AtomicLong();

    private final String bootstrap;
    private final TestTokens tokens;
    private TestEvents events;
    private KafkaConsumer<String, byte[]> requests;
    private KafkaConsumer<String, byte[]> journeyEvents;
    private final List<MessageRequested> seen = new ArrayList<>();
    private final List<JourneyEvent> journeyEventsSeen = new ArrayList<>();

    JourneyStack(String bootstrap, String privateKey, String issuer) {
        this.bootstrap = bootstrap;
        this.tokens = new TestTokens(privateKey, issuer);
    }

    String token(String role) {
        return tokens.bearer(role);
    }

    String create(String definition) {
        return given().header("Authorization", token("marketer")).contentType(ContentType.JSON).body(definition)
                .post("/v1/journeys").then().statusCode(201).body("state", equalTo("draft")).extract().path("id");
    }

    String publish(String journeyId) {
        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/publish", journeyId).then().statusCode(200);
        return journeyId;
    }

    /** A change as profile-service publishes it after applying a tracked event. */
    static ProfileChanged tracked(String profileId, String event, Map<String, Object> properties, Map<String, Object> traits,
            Map<String, Object> preferences, List<ConsentState> consents, Instant at) {
        return new ProfileChanged(profileId, VERSIONS.incrementAndGet(), Set.of("traits"), traits, Map.of(), consents,
                preferences, List.of(),
                event == null ? null : new ProfileChanged.Trigger("src-test", "m-" + UUID.randomUUID(), "track", event, at, properties),
                at);
    }

    static ProfileChanged tracked(String profileId, String event, Map<String, Object> properties) {
        return tracked(profileId, event, properties, Map.of(), Map.of(), List.of(), Instant.now());
    }

    /** A change that merged {@code merged} into {@code profileId}. */
    static ProfileChanged merged(String profileId, List<String> merged, Instant at) {
        return new ProfileChanged(profileId, VERSIONS.incrementAndGet(), Set.of("merged"), Map.of(), Map.of(), List.of(),
                Map.of(), merged, null, at);
    }

    void publish(ProfileChanged change) {
        events().publish(Topic.PROFILE_CHANGES, change.profileId(), EventTypes.PROFILE_CHANGED, change);
    }

    void membership(String profileId, String segmentId, boolean entered, Instant at) {
        events().publish(Topic.SEGMENT_MEMBERSHIPS, profileId, EventTypes.SEGMENT_MEMBERSHIP_CHANGED,
                new SegmentMembershipChanged(profileId, segmentId, 1, entered, at));
    }

    TestEvents events() {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        return events;
    }

    void consumed() {
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("journey-service", Topic.PROFILE_CHANGES)
                && events().consumedToTheEnd("journey-service", Topic.SEGMENT_MEMBERSHIPS));
    }

    void awaitRequests(String profileId, String... steps) {
        await().atMost(WAIT).until(() -> stepsRequested(profileId).equals(List.of(steps)));
    }

    List<String> stepsRequested(String profileId) {
        return requestsOf(profileId).stream().map(MessageRequested::stepId).toList();
    }

    List<MessageRequested> requestsOf(String profileId) {
        synchronized (seen) {
            if (requests == null) {
                requests = consumer(Topic.MESSAGE_REQUESTS);
            }
            requests.poll(Duration.ofMillis(200)).forEach(r -> seen.add(EventJson.read(r.value(), MessageRequested.class)));
            return seen.stream().filter(m -> m.profileId().equals(profileId)).toList();
        }
    }

    List<JourneyEvent> journeyEventsOf(String profileId) {
        synchronized (journeyEventsSeen) {
            if (journeyEvents == null) {
                journeyEvents = consumer(Topic.JOURNEY_EVENTS);
            }
            journeyEvents.poll(Duration.ofMillis(200)).forEach(r -> journeyEventsSeen.add(EventJson.read(r.value(), JourneyEvent.class)));
            return journeyEventsSeen.stream().filter(e -> e.profileId().equals(profileId)).toList();
        }
    }

    private KafkaConsumer<String, byte[]> interactions;
    private final List<io.touchpoint.contracts.events.Interaction> interactionsSeen = new ArrayList<>();

    /** Identifies journeys published for a profile (update-traits steps), by the profile they name. */
    List<io.touchpoint.contracts.events.Interaction> identifiesOf(String profileId) {
        synchronized (interactionsSeen) {
            if (interactions == null) {
                interactions = consumer(Topic.INTERACTIONS);
            }
            interactions.poll(Duration.ofMillis(200)).forEach(r -> interactionsSeen.add(EventJson.read(r.value(),
                    io.touchpoint.contracts.events.Interaction.class)));
            return interactionsSeen.stream().filter(i -> i.context() != null && i.context().get("touchpoint") instanceof Map<?, ?> t
                    && profileId.equals(t.get("profileId"))).toList();
        }
    }

    private KafkaConsumer<String, byte[]> deadLetters;
    private final List<String> deadLettersSeen = new ArrayList<>();

    /** The values on the dead-letter topic, as text. */
    List<String> deadLetters() {
        synchronized (deadLettersSeen) {
            if (deadLetters == null) {
                deadLetters = consumer(Topic.DEAD_LETTERS);
            }
            deadLetters.poll(Duration.ofMillis(200)).forEach(r -> deadLettersSeen.add(
                    new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)));
            return List.copyOf(deadLettersSeen);
        }
    }

    private KafkaConsumer<String, byte[]> consumer(Topic topic) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "group.id",
                "journey-test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic.topicName()));
        return consumer;
    }

    void awaitState(String profileId, String state) {
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", token("analyst"))
                .get("/v1/profiles/{p}/journeys", profileId).then().body("journeys[0].state", equalTo(state)));
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        if (requests != null) {
            requests.close();
        }
        if (journeyEvents != null) {
            journeyEvents.close();
        }
        if (interactions != null) {
            interactions.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
