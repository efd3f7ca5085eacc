package io.touchpoint.platform;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.devstack.testing.TouchpointTestResource;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.outbox.OutboxStore;
import io.touchpoint.platform.time.AdjustableClock;
import io.touchpoint.platform.wakeup.RecordingHandler;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The platform's mechanisms in a small application of their own, on real Kafka and PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(value = TouchpointTestResource.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class PlatformOnTheStackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;
    @Inject
    AdjustableClock clock;
    @Inject
    WakeupStore wakeups;
    @Inject
    WakeupScheduler scheduler;
    @Inject
    RecordingHandler handler;
    @Inject
    OutboxStore outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    ErasedIdentities erased;
    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void wakeUpsFireAtTheirInstantInDueOrderOnceEachAndAFailingOneIsPostponedAlone() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        clock.freezeAt(start);
        String run = UUID.randomUUID().toString();
        schedule(run + ":b", start.plus(Duration.ofHours(2)));
        schedule(run + ":a", start.plus(Duration.ofHours(1)));
        schedule("poison-" + run, start.plus(Duration.ofMinutes(90)));
        schedule(run + ":c", start.plus(Duration.ofDays(90)));
        assertTrue(fired(run).isEmpty(), "nothing is due yet");

        clock.advance(Duration.ofHours(2));
        await().atMost(WAIT).until(() -> fired(run).size() == 2);
        assertEquals(List.of(run + ":a", run + ":b"), fired(run).stream().map(RecordingHandler.Fired::key).toList());
        fired(run).forEach(f -> assertFalse(f.at().isBefore(f.dueAt()), "never early: " + f));

        // Ninety days of waiting cost one row; moving the clock fires it at once.
        clock.advance(Duration.ofDays(90));
        await().atMost(WAIT).until(() -> fired(run).size() == 3);
        assertEquals(run + ":c", fired(run).get(2).key());

        // The poison wake-up was postponed (backoff 1 h from when it failed), not fired and not lost.
        assertEquals(1L, count("SELECT count(*) FROM wakeup WHERE wakeup_key LIKE 'poison-" + run + "%'"));
        assertEquals(0L, count("SELECT count(*) FROM wakeup WHERE wakeup_key LIKE '" + run + ":%'"));
        assertEquals(3, fired(run).size(), "each fired exactly once");
    }

    @Test
    void theOutboxRelaysEachRecordToItsContractTopicKeyedWithCloudEventsHeaders() {
        String eventId = UUID.randomUUID().toString();
        String key = "p-" + UUID.randomUUID();
        pool.withTransaction(sql -> outbox.append(sql, eventId, Topic.PROFILE_CHANGES, key, "test.event",
                Map.of("hello", "world"), clock.instant())).await().atMost(WAIT);
        relay.kick();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "group.id", "platform-test-" + eventId, "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topic.PROFILE_CHANGES.topicName()));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        seen.add(r);
                    }
                });
                return !seen.isEmpty();
            });
            ConsumerRecord<String, String> record = seen.get(0);
            assertEquals("{\"hello\":\"world\"}", record.value().replace(" ", ""));
            assertEquals(eventId, new String(record.headers().lastHeader("ce_id").value()));
            assertEquals("test.event", new String(record.headers().lastHeader("ce_type").value()));
            assertEquals("/touchpoint/platform-test", new String(record.headers().lastHeader("ce_source").value()));
        }
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM outbox WHERE event_id = '" + eventId + "'") == 0);
    }

    @Test
    void aRecordTheBrokerCanNeverTakeIsSetAsideAndTheRecordBehindItStillGoes() {
        String bad = UUID.randomUUID().toString();
        String good = UUID.randomUUID().toString();
        String key = "p-" + UUID.randomUUID();
        // A topic outside the contracts: only a bug writes one, so no API does; the row is written as such a bug would.
        pool.withTransaction(sql -> sql.preparedQuery("""
                INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at)
                VALUES ($1, 'touchpoint.no-such-topic.v1', $2, 'test.event', '{"a": 1}'::jsonb, now())""")
                .execute(Tuple.of(bad, key))
                .chain(() -> outbox.append(sql, good, Topic.PROFILE_CHANGES, key, "test.event", Map.of("b", 2), clock.instant())))
                .await().atMost(WAIT);
        relay.kick();
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM outbox WHERE event_id IN ('" + bad + "', '" + good + "')") == 0);
        assertEquals(1L, count("SELECT count(*) FROM outbox_failed WHERE event_id = '" + bad + "'"), "set aside");
        assertEquals(1L, count("SELECT count(*) FROM outbox_failed WHERE event_id = '" + bad + "' AND record_key = '" + key
                + "' AND topic = 'touchpoint.no-such-topic.v1' AND payload = '{\"a\": 1}'::jsonb"), "whole");
        assertEquals(1L, count("SELECT count(*) FROM outbox_failed WHERE event_id = '" + bad + "' AND reason LIKE '%no contract topic%'"),
                "with why");
        assertEquals(0L, count("SELECT count(*) FROM outbox_failed WHERE event_id = '" + good + "'"), "relayed, not set aside");
    }

    @Test
    void anErasureRemembersTheErasedProfilesAsSaltedHashesOnly() throws Exception {
        String profileId = "p-" + UUID.randomUUID();
        String merged = "p-" + UUID.randomUUID();
        String erasureId = UUID.randomUUID().toString();
        try (TestEvents events = new TestEvents(bootstrap)) {
            events.publish(Topic.ERASURES, profileId, EventTypes.PROFILE_ERASURE_REQUESTED,
                    new ProfileErasureRequested(erasureId, profileId, List.of(merged), Instant.now()));
        }
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM erasure_receipt WHERE erasure_id = '" + erasureId + "'") == 1);
        var found = pool.withConnection(sql -> erased.erasedAt(sql, ErasedIdentities.profiles(List.of(profileId, merged, "p-other"))))
                .await().atMost(WAIT);
        assertEquals(2, found.size());
        assertFalse(found.containsKey(new ErasedIdentities.Identity(ErasedIdentities.PROFILE, "p-other")));
        assertTrue(ErasedIdentities.stale(found, ErasedIdentities.profiles(List.of(profileId)), Instant.now().minusSeconds(60)));
        assertFalse(ErasedIdentities.stale(found, ErasedIdentities.profiles(List.of(profileId)), Instant.now().plusSeconds(60)),
                "what happens after the erasure is a new fact, not a replay");
        assertEquals(0L, count("SELECT count(*) FROM erased_identity WHERE length(hash) <> 32"), "SHA-256 hashes, nothing else");
    }

    @Test
    void aNulInAPathIdIsA400NamingTheParameterNeverA500() {
        // As sent on the wire: rest-assured would otherwise encode the percent sign itself.
        given().urlEncodingEnabled(false).header("Authorization", new TestTokens(privateKey, issuer).bearer("admin"))
                .get("/v1/erasure-receipts/a%00b")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("path.erasureId"));
        given().urlEncodingEnabled(false).header("Authorization", new TestTokens(privateKey, issuer).bearer("admin"))
                .get("/v1/erasure-receipts/ok?x=%00")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("query.x"));
    }

    @Test
    void theSimulatedClockRouteIsAbsentUnlessTheStackRunsOnOne() {
        given().header("Authorization", new TestTokens(privateKey, issuer).bearer("admin"))
                .get("/v1/dev/clock").then().statusCode(404).contentType("application/problem+json");
    }

    record Sample(String present, String absent, Instant at, Map<String, Object> nested) {
    }

    @Test
    void quarkusObjectMapperWritesExactlyWhatEventJsonWrites() throws Exception {
        java.util.HashMap<String, Object> nested = new java.util.HashMap<>();
        nested.put("kept", 1);
        nested.put("dropped", null);
        var sample = new Sample("x", null, Instant.parse("2026-12-02T10:15:30.123Z"), nested);
        String ours = mapper.writeValueAsString(sample);
        assertEquals(new String(EventJson.write(sample)), ours);
        assertFalse(ours.contains("absent"), ours);
        assertTrue(ours.contains("\"2026-12-02T10:15:30.123Z\""), ours);
    }

    private void schedule(String key, Instant due) {
        pool.withTransaction(sql -> wakeups.schedule(sql, "test", key, due, null)).await().atMost(WAIT);
        scheduler.scheduled(due);
    }

    private List<RecordingHandler.Fired> fired(String prefix) {
        return handler.firedWith(prefix);
    }

    private long count(String sql) {
        return pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)).await().atMost(WAIT);
    }
}
