package io.touchpoint.gateway.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning in a background thread with a plain Kafka consumer (committed
 * records only, as a service reads them) and hands each record on. A poll that fails, or a record the
 * reader cannot take, is reported and passed over: a reader that ended on one would leave every later
 * wait of the test JVM to time out with nothing to say why.
 */
final class TopicReader {

    private TopicReader() {
    }

    static void start(String bootstrapServers, String topic, Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread poller = new Thread(() -> {
            try {
                while (true) {
                    ConsumerRecords<String, byte[]> polled;
                    try {
                        polled = consumer.poll(Duration.ofMillis(100));
                    } catch (WakeupException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        System.err.println("reader of " + topic + ": a poll failed, polling again: " + e);
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> r : polled) {
                        try {
                            onRecord.accept(r);
                        } catch (RuntimeException e) {
                            System.err.println("reader of " + topic + ": record " + r.partition() + "@" + r.offset()
                                    + " could not be read, passed over: " + e);
                        }
                    }
                }
            } catch (WakeupException e) {
                // the JVM is exiting
            } finally {
                consumer.close();
            }
        }, "reader-" + topic);
        poller.setDaemon(true);
        poller.start();
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
    }
}
