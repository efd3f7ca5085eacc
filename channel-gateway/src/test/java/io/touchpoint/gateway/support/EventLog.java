package io.touchpoint.gateway.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

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
        TopicReader.start(bootstrapServers, topic.topicName(), r -> records.add(new Published<>(r.key(),
                CloudEventHeaders.read(r.headers()), EventJson.read(r.value(), type))));
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
