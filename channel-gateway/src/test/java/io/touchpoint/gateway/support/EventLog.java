package io.touchpoint.gateway.support;


import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * Everything on one contract topic, read from the beginning by a plain Kafka consumer in the
 * background, as another service would read it. One per topic and test JVM.
 */
public final class EventLog<T> {

    public record Published<T>(String key, CloudEventAttributes cloudEvent, T event) {
    }

    private static final Map<Topic, EventLog<?>> LOGS = new ConcurrentHashMap<>();

    private final List<Published<T>> records = new CopyOnWriteArrayList<>();

    private EventLog(String bootstrapServers, Topic topic, Class<T> type) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.topicName()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread poller = new Thread(() -> {
            try {
                while (true) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        records.add(new Published<>(r.key(), CloudEventHeaders.read(r.headers()), EventJson.read(r.value(), type)));
                    }
                }
            } catch (WakeupException e) {
                // the JVM is exiting
            } finally {
                consumer.close();
            }
        }, "event-log-" + topic.topicName());
        poller.setDaemon(true);
        poller.start();
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
    }

    @SuppressWarnings("unchecked")
    public static <T> EventLog<T> of(String bootstrapServers, Topic topic, Class<T> type) {
        return (EventLog<T>) LOGS.computeIfAbsent(topic, t -> new EventLog<>(bootstrapServers, t, type));
    }

    public List<Published<T>> matching(Predicate<T> predicate) {
        return records.stream().filter(p -> predicate.test(p.event())).toList();
    }

    /** Waits until at least {@code count} records match, and returns them all. */
    public List<Published<T>> await(Predicate<T> predicate, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> matching(predicate).size() >= count);
        return matching(predicate);
    }
}
