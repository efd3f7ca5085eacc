package io.touchpoint.gateway.tracking.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.gateway.source.domain.WriteKeyAuthenticator;
import io.touchpoint.gateway.tracking.messaging.InteractionPublisher;
import io.touchpoint.gateway.tracking.messaging.MessageDeduplicator;

/**
 * What the real stack cannot easily show: a broker that does not acknowledge. The call must fail
 * with 503 (so SDKs retry), and what did get through must be remembered so the retry does not
 * publish it twice.
 */
class IngestionServiceTest {

    private static final Instant NOW = Instant.parse("2031-01-01T00:00:00Z");

    private final List<String> marked = new ArrayList<>();
    private final List<Interaction> offered = new ArrayList<>();
    private IngestionService service;
    private boolean brokerFailsSecondMessage;
    private boolean databaseDown;

    @BeforeEach
    void wire() {
        service = new IngestionService();
        service.mapper = new ObjectMapper();
        service.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        service.authenticator = new WriteKeyAuthenticator() {
            @Override
            public Uni<Authentication> authenticate(String writeKey) {
                if (databaseDown) {
                    return Uni.createFrom().failure(new java.net.ConnectException("Connection refused"));
                }
                return Uni.createFrom().item(new Authentication(Status.AUTHENTICATED, "src-1"));
            }
        };
        service.deduplicator = new MessageDeduplicator() {
            @Override
            public Uni<Set<String>> alreadyPublished(String sourceId, List<String> messageIds) {
                return Uni.createFrom().item(Set.of("seen-before"));
            }

            @Override
            public Uni<Void> markPublished(String sourceId, List<String> messageIds) {
                marked.addAll(messageIds);
                return Uni.createFrom().voidItem();
            }
        };
        service.publisher = new InteractionPublisher() {
            @Override
            public Uni<PublishReport> publish(List<Interaction> interactions) {
                offered.addAll(interactions);
                if (brokerFailsSecondMessage && interactions.size() > 1) {
                    return Uni.createFrom().item(new PublishReport(List.of(interactions.get(0)),
                            new TimeoutException("Expiring 1 record(s)")));
                }
                return Uni.createFrom().item(new PublishReport(interactions, null));
            }
        };
        service.init();
    }

    private TrackingCall batch(String json) {
        return new TrackingCall(null, json.getBytes(StandardCharsets.UTF_8), null,
                "Basic " + Base64.getEncoder().encodeToString("key:".getBytes(StandardCharsets.UTF_8)), "192.0.2.1");
    }

    private static final String THREE = """
            {"batch": [
              {"type": "track", "messageId": "m-1", "userId": "u", "event": "A"},
              {"type": "track", "messageId": "m-2", "userId": "u", "event": "B"},
              {"type": "track", "messageId": "seen-before", "userId": "u", "event": "C"}
            ]}""";

    @Test
    void anUnacknowledgedPublishIs503AndRemembersWhatGotThrough() {
        brokerFailsSecondMessage = true;
        IngestionRejected rejected = assertThrows(IngestionRejected.class,
                () -> service.ingest(batch(THREE)).await().indefinitely());
        assertEquals(IngestionRejected.Reason.UNAVAILABLE, rejected.reason());
        assertEquals(503, rejected.reason().status());
        assertInstanceOf(TimeoutException.class, rejected.getCause());
        assertEquals(List.of("m-1", "m-2"), offered.stream().map(Interaction::messageId).toList(),
                "the duplicate is not offered again");
        assertEquals(List.of("m-1"), marked);
    }

    @Test
    void writeKeysThatCannotBeCheckedAre503NotAuthenticationFailures() {
        databaseDown = true;
        IngestionRejected rejected = assertThrows(IngestionRejected.class,
                () -> service.ingest(batch(THREE)).await().indefinitely());
        assertEquals(IngestionRejected.Reason.UNAVAILABLE, rejected.reason());
        assertEquals(List.of(), offered);
    }

    @Test
    void duplicatesCountAsAcceptedWithoutBeingPublished() {
        IngestionResult result = service.ingest(batch(THREE)).await().indefinitely();
        assertEquals(List.of("m-1", "m-2", "seen-before"), result.acceptedMessageIds());
        assertEquals(0, result.rejected());
        assertEquals(List.of("m-1", "m-2"), marked);
        Interaction first = offered.get(0);
        assertEquals("192.0.2.1", first.context().get("ip"));
        assertEquals(NOW, first.receivedAt());
        assertEquals(NOW, first.timestamp());
        assertNull(first.integrations());
    }

    @Test
    void skewCorrectionLaysTheClientsIntervalBackFromReceipt() {
        Instant sentAt = Instant.parse("2001-01-01T00:00:10Z");
        assertEquals(NOW.minusSeconds(10), ClockSkew.correct(NOW, sentAt, Instant.parse("2001-01-01T00:00:00Z")));
        assertEquals(NOW.plusSeconds(10), ClockSkew.correct(NOW, sentAt, Instant.parse("2001-01-01T00:00:20Z")),
                "a reading after sending is taken at its word too");
        assertEquals(Instant.parse("2001-01-01T00:00:00Z"),
                ClockSkew.correct(NOW, null, Instant.parse("2001-01-01T00:00:00Z")));
        assertEquals(NOW, ClockSkew.correct(NOW, sentAt, null));
    }

    @Test
    void timestampsAreReadInTheFormsSdksWrite() {
        Instant expected = Instant.parse("2024-05-06T07:08:09.123Z");
        for (String form : List.of("2024-05-06T07:08:09.123Z", "2024-05-06T09:08:09.123+02:00",
                "2024-05-06T09:08:09.123+0200", "2024-05-06T07:08:09.123", "2024-05-06t07:08:09.123z")) {
            assertEquals(expected, Timestamps.parse(form), form);
        }
        assertNull(Timestamps.parse("yesterday"));
        assertNull(Timestamps.parse("1714979289123"));
    }

    @Test
    void basicCredentialsCarryTheKeyAsUsername() {
        String encoded = Base64.getEncoder().encodeToString("tpk_abc:".getBytes(StandardCharsets.UTF_8));
        assertEquals("tpk_abc", IngestionService.basicUsername("Basic " + encoded));
        assertEquals("tpk_abc", IngestionService.basicUsername("basic " + Base64.getEncoder()
                .encodeToString("tpk_abc".getBytes(StandardCharsets.UTF_8))));
        assertNull(IngestionService.basicUsername("Bearer x.y.z"));
        assertNull(IngestionService.basicUsername(null));
        assertThrows(IngestionRejected.class, () -> IngestionService.basicUsername("Basic %%%"));
    }

    @Test
    void inflatingStopsAtTheLimit() throws IOException {
        byte[] json = ("{\"batch\": [], \"pad\": \"" + " ".repeat(TrackingLimits.MAX_BODY_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        var compressed = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(compressed)) {
            gzip.write(json);
        }
        IngestionRejected rejected = assertThrows(IngestionRejected.class,
                () -> RequestBodies.decode(compressed.toByteArray(), "gzip"));
        assertEquals(IngestionRejected.Reason.TOO_LARGE, rejected.reason());
        byte[] small = "{}".getBytes(StandardCharsets.UTF_8);
        assertEquals(small, RequestBodies.decode(small, "identity"));
    }
}
