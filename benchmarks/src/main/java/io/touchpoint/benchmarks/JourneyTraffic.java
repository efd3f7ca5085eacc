package io.touchpoint.benchmarks;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

/** The records the journey and delivery benchmarks publish, and their producers' settings. */
final class JourneyTraffic {

    private JourneyTraffic() {
    }

    /**
     * A ProfileChanged as profile-service publishes it after applying a {@code track} call: the
     * sampled real one ({@code template}) with the profile id, the trigger's event, message id and
     * timestamp and the change's time replaced, the contract's JSON as the value, keyed by profile id, the CloudEvents binary-mode headers its
     * outbox relay writes (source {@code /touchpoint/profile-service} unless a sampled record said
     * otherwise, subject = key, content-type application/json), the interaction as the trigger.
     */
    static ProducerRecord<String, byte[]> profileChanged(ProfileChanged template, String profileId, String event, URI source) {
        Instant now = Instant.now();
        if (event == null && template != null) {
            // A change without an interaction behind it (no trigger): journey-service only updates its copy of the profile.
            ProfileChanged change = new ProfileChanged(profileId, template.version(), template.changed(), template.traits(),
                    template.computed(), template.consents(), template.preferences(), template.mergedProfileIds(), null, now);
            return withHeaders(new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), profileId, EventJson.write(change)),
                    EventTypes.PROFILE_CHANGED, source, now, profileId);
        }
        ProfileChanged change;
        if (template == null) {
            change = new ProfileChanged(profileId, 2, Set.of("events"),
                    Map.of("email", profileId + "@example.com", "plan", "free", "country", "FI"),
                    Map.of("eventCount", 1), List.of(), Map.of(), List.of(),
                    new ProfileChanged.Trigger("bench-source", UUID.randomUUID().toString(), "track", event, now,
                            Map.of("plan", "free")),
                    now);
        } else {
            var t = template.trigger();
            change = new ProfileChanged(profileId, template.version(), template.changed(), template.traits(), template.computed(),
                    template.consents(), template.preferences(), template.mergedProfileIds(),
                    new ProfileChanged.Trigger(t.sourceId(), UUID.randomUUID().toString(), t.type(), event, now, t.properties()),
                    now);
        }
        return withHeaders(new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), profileId, EventJson.write(change)),
                EventTypes.PROFILE_CHANGED, source, now, profileId);
    }

    /**
     * A recipient as profile-service publishes it after an identify: the sampled real ProfileChanged
     * ({@code template}, which carries the consent the identify gave) with the profile id and the
     * given traits replaced, without a trigger (journey-service only updates its copy of the
     * profile), keyed by profile id with the outbox relay's headers.
     */
    static ProducerRecord<String, byte[]> recipientChanged(ProfileChanged template, String profileId, Map<String, Object> traits,
            URI source) {
        Instant now = Instant.now();
        Map<String, Object> merged = new java.util.LinkedHashMap<>(template.traits());
        merged.putAll(traits);
        ProfileChanged change = new ProfileChanged(profileId, template.version(), template.changed(), merged, template.computed(),
                template.consents(), template.preferences(), List.of(), null, now);
        return withHeaders(new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), profileId, EventJson.write(change)),
                EventTypes.PROFILE_CHANGED, source, now, profileId);
    }

    /**
     * A MessageRequested as journey-service's outbox relay publishes it for a send step: the
     * contract's JSON, keyed by profile id, CloudEvents id = the request id (the outbox row's event
     * id), source {@code /touchpoint/journey-service}.
     */
    static ProducerRecord<String, byte[]> messageRequested(MessageRequested request) {
        return withHeaders(new ProducerRecord<>(Topic.MESSAGE_REQUESTS.topicName(), request.profileId(), EventJson.write(request)),
                EventTypes.MESSAGE_REQUESTED, URI.create("/touchpoint/journey-service"), request.requestedAt(), request.profileId(),
                request.requestId());
    }

    /** Publishes MessageRequested records as journey-service's outbox relay does, as fast as its producer goes. */
    static void publishRequests(String bootstrap, List<MessageRequested> requests) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(relayProducerConfig(bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            for (MessageRequested r : requests) {
                producer.send(messageRequested(r));
            }
            producer.flush();
        }
    }

    /**
     * A SegmentMembershipChanged as segmentation-service's outbox relay publishes it: the contract's
     * JSON, keyed by profile id, the same CloudEvents binary-mode headers (source
     * {@code /touchpoint/segmentation-service}).
     */
    static ProducerRecord<String, byte[]> membershipChanged(String profileId, String segmentId, boolean entered, Instant at) {
        var change = new SegmentMembershipChanged(profileId, segmentId, 1, entered, at);
        return withHeaders(new ProducerRecord<>(Topic.SEGMENT_MEMBERSHIPS.topicName(), profileId, EventJson.write(change)),
                EventTypes.SEGMENT_MEMBERSHIP_CHANGED, URI.create("/touchpoint/segmentation-service"), Instant.now(), profileId);
    }

    static ProducerRecord<String, byte[]> withHeaders(ProducerRecord<String, byte[]> record, String type, URI source,
            Instant now, String subject) {
        return withHeaders(record, type, source, now, subject, UUID.randomUUID().toString());
    }

    private static ProducerRecord<String, byte[]> withHeaders(ProducerRecord<String, byte[]> record, String type, URI source,
            Instant now, String subject, String id) {
        CloudEventHeaders.write(record.headers(), new CloudEventAttributes(id, type, source, now, subject));
        // SmallRye's binary mode writes the content type twice: as ce_datacontenttype and as content-type.
        record.headers().add("ce_datacontenttype", CloudEventHeaders.JSON.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return record;
    }

    /** The benchmark's trigger producer: acks=all and idempotent like every producer of the stack. */
    static Map<String, Object> producerConfig(String bootstrap, int lingerMs) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                ProducerConfig.BATCH_SIZE_CONFIG, 65_536, ProducerConfig.CLIENT_ID_CONFIG,
                "touchpoint-benchmark-" + UUID.randomUUID().toString().substring(0, 6));
    }

    /** As the services' outbox relay producer runs (kafka.acks=all, kafka.enable.idempotence=true, the client's defaults otherwise). */
    static Map<String, Object> relayProducerConfig(String bootstrap) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.CLIENT_ID_CONFIG,
                "touchpoint-benchmark-relay-" + UUID.randomUUID().toString().substring(0, 6));
    }
}
