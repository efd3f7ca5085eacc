package io.touchpoint.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain consumer on its own thread, assigned every partition of its topics from their ends (no
 * group, no rebalance), handing each record to the current listener with a {@link System#nanoTime}:
 * {@link Moment#POLLED}, when {@code poll} returned it ("visible to a consumer" in the journey
 * benchmark), or {@link Moment#PUBLISHED}, the record's own timestamp (set by the producer when the
 * service's outbox relay sent it, to the millisecond).
 *
 * <p>A tap that reads published moments fetches in batches (up to half a second apart): a tap that
 * returns each record as it comes costs the broker a fetch and the benchmark's JVM a poll per
 * record, CPU the stack under test shares on a small machine.
 */
final class TopicTap implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile BiConsumer<ConsumerRecord<String, byte[]>, Long> listener = (r, n) -> {
    };
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** Which moment of a record the listener is handed. */
    enum Moment {
        POLLED, PUBLISHED
    }

    private final Moment moment;
    private final long wallNanosAtStart = System.currentTimeMillis() * 1_000_000L;
    private final long nanoTimeAtStart = System.nanoTime();

    TopicTap(String bootstrap, String name, List<String> topics) throws InterruptedException {
        this(bootstrap, name, topics, Moment.POLLED);
    }

    TopicTap(String bootstrap, String name, List<String> topics, Moment moment) throws InterruptedException {
        this.moment = moment;
        consumer = new KafkaConsumer<>(Map.<String, Object> of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "touchpoint-benchmark-" + name + "-" + UUID.randomUUID().toString().substring(0, 6),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                // Polled moments: return as soon as one record is there. Published ones: a batch at a time.
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, moment == Moment.POLLED ? 1 : 1 << 20,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, moment == Moment.POLLED ? 50 : 500,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(() -> loop(topics), "tap-" + name);
        thread.setDaemon(true);
        thread.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the consumer of " + topics + " did not start: " + failure);
        }
        if (failure != null) {
            throw new IllegalStateException("the consumer of " + topics + " failed", failure);
        }
    }

    void listen(BiConsumer<ConsumerRecord<String, byte[]>, Long> listener) {
        this.listener = listener;
    }

    private void loop(List<String> topics) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, not at the first poll
        } catch (RuntimeException e) {
            failure = e;
            ready.countDown();
            return;
        }
        ready.countDown();
        while (running) {
            try {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    listener.accept(record, moment == Moment.POLLED ? now
                            : nanoTimeAtStart + (record.timestamp() * 1_000_000L - wallNanosAtStart));
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                break;
            } catch (RuntimeException e) {
                failure = e;
                System.err.println("[journey-benchmark] tap on " + topics + " failed: " + e);
            }
        }
        consumer.close(Duration.ofSeconds(2));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
