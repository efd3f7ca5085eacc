package io.touchpoint.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * Interactions applied a Kafka poll at a time. Each test publishes its records in one produce
 * request (one record batch on one partition), which the consumer receives in one poll: the
 * batch is then applied in one transaction, visible as one transaction id on its timeline rows.
 */
@QuarkusTest
class BatchIngestionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @Inject
    AgroalDataSource jdbc;

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void aPoisonRecordGoesAloneToTheDeadLetterTopicAndTheRestOfItsBatchApplies() throws Exception {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        Interaction identify = identify(anon, user, Map.of("plan", "gold"), t);
        Interaction bet = track(anon, user, "Bet Placed", Map.of("stake", 10), t.plusSeconds(1));
        // Passes deserialization but breaks the transaction: the timeline requires a messageId.
        Interaction noMessageId = new Interaction(null, "src-test", Interaction.TRACK, user, anon, null, null, "Poison",
                null, null, Map.of(), null, null, null, t.plusSeconds(2), null, null, Instant.now());
        Interaction order = track(anon, user, "Order Completed", Map.of("revenue", 25), t.plusSeconds(3));
        byte[] unreadable = "{not an interaction".getBytes(StandardCharsets.UTF_8);

        try (KafkaConsumer<String, byte[]> deadLetters = deadLetterConsumer()) {
            publishTogether(anon, List.of(record(anon, identify), record(anon, bet), record(anon, noMessageId),
                    record(anon, order), new ProducerRecord<>(Topic.INTERACTIONS.topicName(), anon, unreadable)));

            JsonPath profile = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 3);
            assertEquals("gold", profile.getString("traits.plan"));
            assertEquals(2, profile.getInt("computed.orderCount")); // a bet counts as an order
            // Newest first.
            assertEquals(List.of(order.messageId(), bet.messageId(), identify.messageId()),
                    given().header("Authorization", marketer()).get("/v1/profiles/{id}/events", profile.getString("id"))
                            .then().statusCode(200).extract().jsonPath().getList("items.messageId"));

            // Both failing records, and nothing else of the batch, in batch order (one key, one partition).
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                deadLetters.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (anon.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return dead.size() >= 2;
            });
            assertEquals(2, dead.size());
            Interaction deadPoison = EventJson.read(dead.get(0).value(), Interaction.class);
            assertEquals("Poison", deadPoison.event());
            assertNull(deadPoison.messageId());
            assertNotNull(dead.get(0).headers().lastHeader("dead-letter-reason"));
            assertEquals(Topic.INTERACTIONS.topicName(), header(dead.get(0), "dead-letter-topic"));
            assertArrayEquals(unreadable, dead.get(1).value());
            assertNotNull(dead.get(1).headers().lastHeader("dead-letter-reason"));
            assertEquals(Long.parseLong(header(dead.get(0), "dead-letter-offset")) + 2,
                    Long.parseLong(header(dead.get(1), "dead-letter-offset")));
        }
    }

    @Test
    void aBatchWithAMergeInsideEndsAsTheSameEventsOneByOne() throws Exception {
        Session together = session(batch -> publishTogether(batch.get(0).partitionKey(),
                batch.stream().map(e -> record(e.partitionKey(), e)).toList()));
        Session alone = session(batch -> batch.forEach(this::publishAlone));

        JsonPath batched = profile(together.profileId());
        JsonPath oneByOne = profile(alone.profileId());
        for (String path : List.of("version", "traits", "computed", "preferences", "mergedProfileIds.size()",
                "identifiers.type.sort()")) {
            assertEquals(oneByOne.getString(path), batched.getString(path), path);
        }
        assertEquals(9, batched.getInt("computed.eventCount"));
        assertEquals(1, batched.getInt("mergedProfileIds.size()"));
        // The batched session went through one transaction, its merge included.
        assertEquals(8L, count("SELECT count(*) FROM profile_event WHERE payload->>'anonymousId' = '" + together.anon() + "'"));
        assertEquals(1L, count("SELECT count(DISTINCT xmin::text) FROM profile_event WHERE payload->>'anonymousId' = '"
                + together.anon() + "'"));
    }

    @Test
    void aRedeliveredBatchChangesNothingAndARepeatInsideABatchAppliesOnce() throws Exception {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(900).truncatedTo(ChronoUnit.MILLIS);
        Interaction identify = identify(anon, user, Map.of("plan", "basic"), t);
        Interaction firstBet = track(anon, user, "Bet Placed", Map.of("stake", 10), t.plusSeconds(1));
        Interaction secondBet = track(anon, user, "Bet Placed", Map.of("stake", 5), t.plusSeconds(2));
        List<Interaction> batch = List.of(identify, firstBet, firstBet, secondBet);
        publishTogether(anon, batch.stream().map(e -> record(anon, e)).toList());
        JsonPath before = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 3);
        assertEquals(2, before.getInt("computed.orderCount"));
        assertEquals(15, before.getInt("computed.lifetimeValue"));
        String id = before.getString("id");
        long publishedBefore = changesPublishedFor(id);

        // The same batch again, as after a crash before the offset commit; a marker behind it proves it was consumed.
        Interaction marker = track(anon, user, "Marker", Map.of(), t.plusSeconds(3));
        List<ProducerRecord<String, byte[]>> again = new ArrayList<>(batch.stream().map(e -> record(anon, e)).toList());
        again.add(record(anon, marker));
        publishTogether(anon, again);
        JsonPath after = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 4);

        assertEquals(before.getLong("version") + 1, after.getLong("version"));
        assertEquals(2, after.getInt("computed.orderCount"));
        assertEquals(15, after.getInt("computed.lifetimeValue"));
        assertEquals(4L, count("SELECT count(*) FROM profile_event WHERE profile_id = '" + id + "'"));
        assertEquals(2L, count("SELECT coalesce(sum(count), 0) FROM event_daily WHERE profile_id = '" + id
                + "' AND event = 'Bet Placed'"));
        // One ProfileChanged per applied interaction: three for the first batch, one for the marker.
        assertEquals(3L, publishedBefore);
        assertEquals(4L, changesPublishedFor(id));
    }

    // ---- a session: an anonymous device, a known user elsewhere, an identify that merges them

    /**
     * The user's profile exists before (applied alone); the device's events, the identify that
     * merges the device's profile into the user's and the events after it go through
     * {@code publish}. Returns once every event is applied.
     */
    private record Session(String profileId, String anon) {
    }

    private Session session(Consumer<List<Interaction>> publish) {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.parse("2026-01-05T10:00:00Z");
        publishAlone(identify(null, user, Map.of("plan", "gold", "city", "Turku"), t));
        String userProfile = awaitProfile("userId", user, p -> true).getString("id");

        publish.accept(List.of(
                page(anon, "Home", t.plusSeconds(10)),
                track(anon, null, "Newsletter Subscribed", Map.of(), t.plusSeconds(20)),
                track(anon, null, "Order Completed", Map.of("revenue", 40, "priceGroup", 1), t.plusSeconds(30)),
                page(anon, "Odds", t.plusSeconds(40)),
                identify(anon, user, Map.of("firstName", "Ada", "plan", "silver", "timezone", "Europe/Helsinki"),
                        t.plusSeconds(50)),
                track(anon, user, "Bet Placed", Map.of("stake", 7), t.plusSeconds(60)),
                track(anon, user, "Consent Updated",
                        Map.of("channel", "email", "topic", "newsletter", "status", "withdrawn"), t.plusSeconds(70)),
                page(anon, "Results", t.plusSeconds(80))));
        awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 9 && p.getString("id").equals(userProfile));
        return new Session(userProfile, anon);
    }

    // ---- helpers

    /** One produce request, so the records form one record batch that one poll returns whole. */
    private void publishTogether(String key, List<ProducerRecord<String, byte[]>> records) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 60_000,
                ProducerConfig.BATCH_SIZE_CONFIG, 1_000_000), new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            records.forEach(r -> sent.add(producer.send(r)));
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                assertEquals(sent.get(0).get().partition(), f.get().partition(), "one partition for " + key);
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("publish failed", e);
        }
    }

    private void publishAlone(Interaction interaction) {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        events.publish(Topic.INTERACTIONS, interaction.partitionKey(), EventTypes.INTERACTION, interaction,
                UUID.randomUUID().toString());
    }

    private static ProducerRecord<String, byte[]> record(String key, Interaction interaction) {
        var record = new ProducerRecord<>(Topic.INTERACTIONS.topicName(), key, EventJson.write(interaction));
        CloudEventHeaders.write(record.headers(), new CloudEventAttributes(UUID.randomUUID().toString(),
                EventTypes.INTERACTION, URI.create("/touchpoint/tests"), Instant.now(), key));
        return record;
    }

    private KafkaConsumer<String, byte[]> deadLetterConsumer() {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "group.id",
                "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topic.DEAD_LETTERS.topicName()));
        return consumer;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** ProfileChanged events on the topic for the profile, once the outbox has relayed all of them. */
    private long changesPublishedFor(String profileId) {
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM outbox WHERE record_key = '" + profileId + "'") == 0);
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            String topic = Topic.PROFILE_CHANGES.topicName();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long[] found = { 0 };
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (profileId.equals(r.key())) {
                        found[0]++;
                    }
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            return found[0];
        }
    }

    private static Interaction page(String anon, String name, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.PAGE, null, anon, null, null, null, name,
                null, Map.of("path", "/" + name.toLowerCase()), null, Map.of("locale", "fi-FI"), null, at, null, null,
                Instant.now());
    }

    private static Interaction identify(String anon, String user, Map<String, Object> traits, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.IDENTIFY, user, anon, null, null, null,
                null, null, null, traits, null, null, at, null, null, Instant.now());
    }

    private static Interaction track(String anon, String user, String event, Map<String, Object> props, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.TRACK, user, anon, null, null, event,
                null, null, props, null, null, null, at, null, null, Instant.now());
    }

    private JsonPath awaitProfile(String by, String value, Predicate<JsonPath> condition) {
        JsonPath[] result = new JsonPath[1];
        await().atMost(WAIT).until(() -> {
            var response = given().header("Authorization", marketer()).queryParam(by, value).get("/v1/profiles");
            if (response.statusCode() != 200) {
                return false;
            }
            result[0] = response.jsonPath();
            return condition.test(result[0]);
        });
        return result[0];
    }

    private JsonPath profile(String id) {
        return given().header("Authorization", marketer()).get("/v1/profiles/{id}", id)
                .then().statusCode(200).extract().jsonPath();
    }

    private long count(String sql) throws Exception {
        try (var c = jdbc.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String marketer() {
        return new TestTokens(privateKey, issuer).bearer("marketer");
    }
}
