package io.touchpoint.gateway.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

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

    private InteractionLog(String bootstrapServers) {
        TopicReader.start(bootstrapServers, Topic.INTERACTIONS.topicName(), r -> records.add(new Published(r.key(),
                CloudEventHeaders.read(r.headers()), CloudEventHeaders.get(r.headers(), CloudEventHeaders.CONTENT_TYPE),
                EventJson.read(r.value(), Interaction.class), r.partition())));
    }

    public static synchronized InteractionLog of(String bootstrapServers) {
        if (instance == null) {
            instance = new InteractionLog(bootstrapServers);
        }
        return instance;
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
