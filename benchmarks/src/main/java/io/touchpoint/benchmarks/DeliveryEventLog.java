package io.touchpoint.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;

/**
 * The gateway's delivery events as a consumer of {@code touchpoint.delivery-events.v1} sees them,
 * from the moment this log is opened: the latest event per request (events of one profile keep
 * their order on its partition, and a replayed one changes nothing), and each event handed to an
 * optional listener with the {@link System#nanoTime} it became visible (or, opened with
 * {@link TopicTap.Moment#PUBLISHED}, it was published).
 */
final class DeliveryEventLog implements AutoCloseable {

    private final TopicTap tap;
    private final Map<String, DeliveryEvent> last = new ConcurrentHashMap<>();
    private final Map<DeliveryEvent.Status, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile BiConsumer<DeliveryEvent, Long> listener = (e, n) -> {
    };

    DeliveryEventLog(String bootstrap, Predicate<DeliveryEvent> which) throws InterruptedException {
        this(bootstrap, which, TopicTap.Moment.POLLED);
    }

    DeliveryEventLog(String bootstrap, Predicate<DeliveryEvent> which, TopicTap.Moment moment) throws InterruptedException {
        tap = new TopicTap(bootstrap, "delivery-events", List.of(Topic.DELIVERY_EVENTS.topicName()), moment);
        tap.listen((record, seen) -> {
            DeliveryEvent event = EventJson.read(record.value(), DeliveryEvent.class);
            if (!which.test(event)) {
                return;
            }
            last.put(event.requestId(), event);
            counts.computeIfAbsent(event.status(), s -> new AtomicInteger()).incrementAndGet();
            listener.accept(event, seen);
        });
    }

    void listen(BiConsumer<DeliveryEvent, Long> listener) {
        this.listener = listener;
    }

    /** The latest event of each request seen so far. */
    Map<String, DeliveryEvent> last() {
        return last;
    }

    /** Events seen with this status (a republished one counts again). */
    int count(DeliveryEvent.Status status) {
        AtomicInteger n = counts.get(status);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        tap.close();
    }
}
