package io.touchpoint.gateway.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;

/**
 * Everything on {@code touchpoint.interactions.v1}, read from the beginning by a plain Kafka
 * consumer in the background, as another service would read it. One per test JVM; tests tell
 * their records apart by unique ids.
 */
public final class InteractionLog {

    /** One record as it landed: key, CloudEvents headers and the decoded interaction. */
    public record Published(String key, CloudEventAttributes cloudEvent, String contentType, Interaction interaction,
            int partition) {
    }

    private static InteractionLog instance;

    private final List<Published> records = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;

    private InteractionLog(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topic.INTERACTIONS.topicName()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread poller = new Thread(this::poll, "interaction-log");
        poller.setDaemon(true);
        poller.start();
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
    }

    public static synchronized InteractionLog of(String bootstrapServers) {
        if (instance == null) {
            instance = new InteractionLog(bootstrapServers);
        }
        return instance;
    }

    private void poll() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    records.add(new Published(r.key(), CloudEventHeaders.read(r.headers()),
                            CloudEventHeaders.get(r.headers(), CloudEventHeaders.CONTENT_TYPE),
                            EventJson.read(r.value(), Interaction.class), r.partition()));
                }
            }
        } catch (WakeupException e) {
            // the JVM is exiting
        } finally {
            consumer.close();
        }
    }

    public List<Published> matching(Predicate<Interaction> predicate) {
        return records.stream().filter(p -> predicate.test(p.interaction())).toList();
    }

    public List<Published> withMessageId(String messageId) {
        return matching(i -> messageId.equals(i.messageId()));
    }

    /** Waits until the message has landed and returns its only record. */
    public Published awaitOne(String messageId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !withMessageId(messageId).isEmpty());
        List<Published> found = withMessageId(messageId);
        if (found.size() != 1) {
            throw new AssertionError("expected one record for " + messageId + " but found " + found.size());
        }
        return found.get(0);
    }

    /** Waits until at least {@code count} records match. */
    public List<Published> awaitMatching(Predicate<Interaction> predicate, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> matching(predicate).size() >= count);
        return matching(predicate);
    }
}
