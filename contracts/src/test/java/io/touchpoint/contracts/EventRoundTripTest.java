package io.touchpoint.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

class EventRoundTripTest {

    private static final Instant T = Instant.parse("2026-03-01T10:15:30.123Z");

    static Stream<Object> events() {
        return Stream.of(
                new Interaction("m-1", "src-web", "track", "u-1", "a-1", null, null, "Bet Placed", null, null,
                        Map.of("stake", 12.5, "market", "football"), null,
                        Map.of("ip", "203.0.113.9", "campaign", Map.of("source", "google")), Map.of("All", true),
                        T, T.minusSeconds(3), T.minusSeconds(2), T.plusSeconds(1)),
                new ProfileChanged("p-1", 7, Set.of("traits.email", "consent.email"), Map.of("email", "a@b.example"),
                        Map.of("betCount", 3), List.of(new ConsentState("email", "newsletter",
                                ConsentState.Status.GRANTED, false, T, "src-web")), Map.of("timeZone", "Europe/Helsinki"),
                        List.of("p-0"), new ProfileChanged.Trigger("src-web", "m-1", "track", "Bet Placed", T,
                                Map.of("stake", 10)), T),
                new ProfileChanged("p-2", 1, Set.of("identifiers.userId"), Map.of(), Map.of(), List.of(), Map.of(), List.of(),
                        null, T, Map.of("userId", List.of("u-2"), "anonymousId", List.of("a-2", "a-3"))),
                new SegmentMembershipChanged("p-1", "seg-active", 2, true, T),
                new MessageRequested("r-1", "p-1", "j-welcome", "s-1", "email", "tpl-welcome", "onboarding", false,
                        Map.of("firstName", "Ada"), T),
                new DeliveryEvent("d-1", "r-1", "p-1", "j-welcome", "tpl-welcome", "email",
                        DeliveryEvent.Status.OPENED, null, null, T),
                new DeliveryEvent("d-2", "r-2", "p-1", "j-welcome", "tpl-welcome", "email",
                        DeliveryEvent.Status.DEFERRED, "quiet-hours", "until 2027-01-01T06:00:00Z", T),
                new ProfileErasureRequested("e-1", "p-1", List.of("p-0"), T),
                new JourneyEvent("je-1", "p-1", "j-welcome", 2, "i-1", JourneyEvent.Kind.EXITED, "done", "completed", T));
    }

    @ParameterizedTest
    @MethodSource("events")
    void eventDataSurvivesJson(Object event) {
        byte[] json = EventJson.write(event);
        assertEquals(event, EventJson.read(json, event.getClass()));
    }

    @Test
    void instantsAreIsoStringsAndNullsAreOmitted() throws Exception {
        var interaction = (Interaction) events().findFirst().orElseThrow();
        JsonNode json = EventJson.mapper().readTree(EventJson.write(interaction));
        assertEquals("2026-03-01T10:15:30.123Z", json.get("timestamp").asText());
        assertFalse(json.has("previousId"));
    }

    @Test
    void consumersIgnoreFieldsAddedByNewerProducers() {
        byte[] json = """
                {"profileId":"p-1","segmentId":"s","segmentVersion":1,"entered":false,
                 "at":"2026-03-01T10:15:30Z","addedLater":{"x":1}}""".getBytes(StandardCharsets.UTF_8);
        var event = EventJson.read(json, SegmentMembershipChanged.class);
        assertEquals(new SegmentMembershipChanged("p-1", "s", 1, false, Instant.parse("2026-03-01T10:15:30Z")), event);
    }

    @Test
    void cloudEventHeadersRoundTripInBinaryMode() {
        var attributes = new CloudEventAttributes("e-1", EventTypes.PROFILE_CHANGED,
                URI.create("/touchpoint/profile-service"), T, "p-1");
        var headers = CloudEventHeaders.write(new RecordHeaders(), attributes);
        assertEquals("1.0", CloudEventHeaders.get(headers, CloudEventHeaders.SPEC_VERSION));
        assertEquals("application/json", CloudEventHeaders.get(headers, CloudEventHeaders.CONTENT_TYPE));
        assertEquals("p-1", CloudEventHeaders.get(headers, CloudEventHeaders.SUBJECT));
        assertEquals(attributes, CloudEventHeaders.read(headers));
    }

    @Test
    void missingOrMalformedCloudEventAttributesAreRejected() {
        var headers = CloudEventHeaders.write(new RecordHeaders(),
                new CloudEventAttributes("e-1", EventTypes.INTERACTION, URI.create("/x"), T, null));
        headers.remove(CloudEventHeaders.TYPE);
        var missing = assertThrows(IllegalArgumentException.class, () -> CloudEventHeaders.read(headers));
        assertTrue(missing.getMessage().contains("ce_type"));
        headers.add(CloudEventHeaders.TYPE, "t".getBytes(StandardCharsets.UTF_8));
        headers.remove(CloudEventHeaders.TIME);
        headers.add(CloudEventHeaders.TIME, "yesterday".getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> CloudEventHeaders.read(headers));
    }

    @Test
    void interactionsOfOneDeviceShareAKeyAcrossIdentify() {
        var anonymous = interaction("page", null, "a-1");
        var identified = interaction("identify", "u-1", "a-1");
        var serverSide = interaction("track", "u-1", null);
        assertEquals(anonymous.partitionKey(), identified.partitionKey());
        assertEquals("u-1", serverSide.partitionKey());
    }

    @Test
    void everyTopicHasAUniqueVersionedNameAndPartitions() {
        var names = Stream.of(Topic.values()).map(Topic::topicName).toList();
        assertEquals(names.size(), Set.copyOf(names).size());
        for (Topic topic : Topic.values()) {
            assertTrue(topic.topicName().matches("touchpoint\\.[a-z-]+\\.v\\d+"), topic.topicName());
            assertTrue(topic.partitions() > 0);
            assertEquals(topic, Topic.byName(topic.topicName()).orElseThrow());
        }
    }

    private static Interaction interaction(String type, String userId, String anonymousId) {
        return new Interaction("m", "s", type, userId, anonymousId, null, null, null, null, null, null, null, null, null,
                T, null, null, T);
    }
}
