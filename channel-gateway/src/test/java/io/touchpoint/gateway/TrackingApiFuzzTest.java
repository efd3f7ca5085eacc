package io.touchpoint.gateway;

import static io.touchpoint.gateway.support.Gateway.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.Topic;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.devstack.testing.RequestFuzzer.Operation;

/**
 * The Segment-compatible tracking API under 1,500 mutated requests (seeded, so a failing run can be
 * replayed with {@code -Dtouchpoint.fuzz.seed}): no answer may be a 5xx or an error that is not
 * problem+json, and, whatever was accepted, nothing PostgreSQL cannot store (NUL, an unpaired
 * surrogate) may have reached {@code touchpoint.interactions.v1}.
 */
@QuarkusTest
class TrackingApiFuzzTest {

    private static final long SEED = 20_260_415L;
    private static final int REQUESTS = 1_500;

    private static final String CONTEXT = "\"context\": {\"ip\": \"203.0.113.9\", \"locale\": \"de-CH\", "
            + "\"library\": {\"name\": \"analytics-node\", \"version\": \"2.1.0\"}, \"page\": {\"path\": \"/checkout\", "
            + "\"referrer\": \"https://search.example/?q=bets\"}, \"campaign\": {\"source\": \"newsletter\"}}";
    private static final String TRACK = "{\"userId\": \"fuzz-user\", \"anonymousId\": \"fuzz-device\", "
            + "\"event\": \"Order Completed\", \"timestamp\": \"2026-01-01T10:00:00.000Z\", "
            + "\"sentAt\": \"2026-01-01T10:00:01.000Z\", \"properties\": {\"total\": 12.5, \"currency\": \"EUR\", "
            + "\"items\": [{\"sku\": \"A-1\", \"quantity\": 2, \"tags\": [\"gift\", \"sale\"]}], \"coupon\": null, "
            + "\"firstOrder\": true}, " + CONTEXT + ", \"integrations\": {\"All\": true, \"Mixpanel\": false}}";
    private static final String IDENTIFY = "{\"userId\": \"fuzz-user\", \"traits\": {\"email\": \"fuzz@example.com\", "
            + "\"name\": \"Ada Fuzz\", \"plan\": \"gold\", \"address\": {\"city\": \"Z\u00fcrich\", \"zip\": \"8001\"}, "
            + "\"logins\": 42}, " + CONTEXT + "}";
    private static final String PAGE = "{\"anonymousId\": \"fuzz-device\", \"name\": \"Checkout\", \"category\": \"Shop\", "
            + "\"properties\": {\"url\": \"https://shop.example/checkout\", \"title\": \"Checkout\"}, " + CONTEXT + "}";
    private static final String SCREEN = "{\"anonymousId\": \"fuzz-device\", \"name\": \"Betslip\", "
            + "\"properties\": {\"legs\": [1, 2, 3]}}";
    private static final String GROUP = "{\"userId\": \"fuzz-user\", \"groupId\": \"household-7\", "
            + "\"traits\": {\"members\": 3, \"name\": \"Fuzz family\"}}";
    private static final String ALIAS = "{\"userId\": \"fuzz-user\", \"previousId\": \"fuzz-device\", "
            + "\"messageId\": \"fuzz-alias\"}";
    private static final String BATCH = "{\"sentAt\": \"2026-01-01T10:00:05.000Z\", " + CONTEXT.replace("\"ip\": \"203.0.113.9\", ", "")
            + ", \"integrations\": {\"All\": true}, \"batch\": [" + TRACK.replace("{\"userId\"", "{\"type\": \"track\", \"userId\"")
            + ", " + IDENTIFY.replace("{\"userId\"", "{\"type\": \"identify\", \"messageId\": \"fuzz-batch-identify\", \"userId\"")
            + ", " + PAGE.replace("{\"anonymousId\"", "{\"type\": \"page\", \"anonymousId\"") + "]}";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.gateway.default-source.write-key")
    String writeKey;
    @TestHTTPResource("/")
    URI base;

    @Test
    void noTrackingCallIsAServerErrorOrAnErrorThatIsNotAProblem() {
        Map<String, String> auth = Map.of("Authorization", basic(writeKey), "Content-Type", "application/json");
        List<Operation> operations = new ArrayList<>();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("identify", IDENTIFY);
        bodies.put("track", TRACK);
        bodies.put("page", PAGE);
        bodies.put("screen", SCREEN);
        bodies.put("group", GROUP);
        bodies.put("alias", ALIAS);
        bodies.put("batch", BATCH);
        bodies.put("import", BATCH);
        bodies.forEach((path, body) -> operations.add(Operation.of("POST", "/v1/" + path).withBody(body).withHeaders(auth)));
        // The browser's way: the short paths, text/plain, the key in the body.
        Map<String, String> shortPaths = Map.of("i", IDENTIFY, "t", TRACK, "p", PAGE, "s", SCREEN, "g", GROUP, "a", ALIAS,
                "b", BATCH);
        new java.util.TreeMap<>(shortPaths).forEach((path, body) -> operations.add(Operation.of("POST", "/v1/" + path)
                .withBody("{\"writeKey\": \"" + writeKey + "\", " + body.substring(1))
                .withHeader("Content-Type", "text/plain").withHeader("Origin", "https://shop.example")));

        RequestFuzzer.Report report = RequestFuzzer.against(base).name("TrackingApiFuzzTest").operations(operations)
                .seed(RequestFuzzer.seedOr(SEED)).requests(RequestFuzzer.requestsOr(REQUESTS))
                // Over the 500 KB limit on the JSON, under the HTTP layer's 10 MB: the gateway's own 413.
                .oversizeBytes(520 * 1024).run();

        assertTrue(report.clean(), report.describe());
        assertTrue(report.statuses().getOrDefault(200, 0) > 100, "many calls were accepted: " + report.statuses());
        assertTrue(report.statuses().getOrDefault(400, 0) > 100, "many calls were refused: " + report.statuses());

        List<String> unstorable = publishedTextThatCannotBeStored();
        assertEquals(List.of(), unstorable, "published interactions holding NUL or an unpaired surrogate");
    }

    /**
     * Reads the whole topic up to its current end and lists every record holding a string or member
     * name with NUL or an unpaired surrogate: what profile-service would have dead-lettered.
     */
    private List<String> publishedTextThatCannotBeStored() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> found = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.INTERACTIONS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "the topic was not read to its end within 60 s");
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    try {
                        if (!storable(json.readTree(record.value()))) {
                            found.add(record.partition() + "@" + record.offset() + ": "
                                    + new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    } catch (java.io.IOException e) {
                        found.add(record.partition() + "@" + record.offset() + " is not JSON: " + e.getMessage());
                    }
                }
            }
            System.out.println("TrackingApiFuzzTest: read " + read + " interactions back from the topic");
        }
        return found;
    }

    private static boolean storable(JsonNode node) {
        if (node.isTextual()) {
            return storable(node.textValue());
        }
        for (var member : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (!storable(member.getKey()) || !storable(member.getValue())) {
                return false;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!storable(element)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Independently of the gateway's own check: no NUL, and UTF-8 can encode every character. */
    private static boolean storable(String text) {
        return text.indexOf('\u0000') < 0 && java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }
}
