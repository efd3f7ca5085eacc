package io.touchpoint.devstack.testing;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.Topic;

/**
 * Publishes contract events the way another service would: a plain Kafka producer, acks=all,
 * keyed by profile id, CloudEvents binary mode. Tests use it to feed a service through the real broker.
 */
public final class TestEvents implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String bootstrapServers;

    public TestEvents(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    /** Publishes with a fresh event id; returns it. */
    public String publish(Topic topic, String key, String type, Object data) {
        return publish(topic, key, type, data, UUID.randomUUID().toString());
    }

    /** Publishes with the given event id, e.g. to redeliver an event. */
    public String publish(Topic topic, String key, String type, Object data, String eventId) {
        var record = new ProducerRecord<>(topic.topicName(), key, EventJson.write(data));
        CloudEventHeaders.write(record.headers(),
                new CloudEventAttributes(eventId, type, URI.create("/touchpoint/tests"), Instant.now(), key));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publish to " + topic.topicName() + " failed", e.getCause());
        }
        return eventId;
    }

    /**
     * Whether consumer group {@code group} has committed offsets up to the end of every partition
     * of {@code topic}: everything published so far was consumed (a replay was read, not just sent).
     */
    public boolean consumedToTheEnd(String group, Topic topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topic.partitions(); p++) {
                latest.put(new TopicPartition(topic.topicName(), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                    || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group, e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
