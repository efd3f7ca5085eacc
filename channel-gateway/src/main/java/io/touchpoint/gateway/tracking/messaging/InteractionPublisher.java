package io.touchpoint.gateway.tracking.messaging;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Puts interactions on {@code touchpoint.interactions.v1} and reports which ones the broker
 * acknowledged (acks=all, idempotent producer): the tracking API answers 2xx only for those.
 *
 * <p>This is the hottest path of the suite, so it talks to a plain Kafka producer instead of a
 * Reactive Messaging emitter: the emitter's per-message {@code Message}, metadata, cloud-event
 * helper and Mutiny pipeline cost a large share of the gateway's CPU per event (measured:
 * benchmarks/README.md). A whole call is handed to one sender thread, because
 * {@code send} can block (metadata, full buffer) and must never run on the event loop; the answer
 * comes back on the caller's Vert.x context once the broker acknowledged every record.
 */
@ApplicationScoped
public class InteractionPublisher {

    private static final Logger LOG = Logger.getLogger(InteractionPublisher.class);
    private static final String TOPIC = Topic.INTERACTIONS.topicName();
    // The CloudEvents headers every interaction has alike.
    private static final Header SPEC_VERSION = header(CloudEventHeaders.SPEC_VERSION, "1.0");
    private static final Header TYPE = header(CloudEventHeaders.TYPE, EventTypes.INTERACTION);
    private static final Header CONTENT_TYPE = header(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);

    /** @param failure the first failure, or null when every interaction was acknowledged */
    public record PublishReport(List<Interaction> acknowledged, Throwable failure) {
    }

    /**
     * The {@code kafka.*} configuration every client of this service shares (bootstrap servers,
     * security, and any producer setting an operator wants to tune, e.g. {@code kafka.linger.ms}).
     */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    MeterRegistry registry;

    /** Shorter than SDK request timeouts (10 s and more), so they get our 503 rather than a dropped connection. */
    @ConfigProperty(name = "touchpoint.gateway.publish-timeout", defaultValue = "PT8S")
    Duration timeout;

    private volatile Producer<String, Interaction> producer;
    private ExecutorService sender;
    private KafkaClientMetrics metrics;

    void start(@Observes StartupEvent event) {
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((key, value) -> config.put(key, value));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-producer-interactions");
        // A send that cannot be acknowledged fails within the delivery timeout, before the publish
        // timeout and before SDKs give up on the HTTP call, so they get a 503 and retry.
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "7000");
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        LOG.infof("interaction producer: %s", settings(config));
        producer = new KafkaProducer<>(config, new StringSerializer(), new InteractionSerializer());
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
        sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "interaction-sender");
            thread.setDaemon(true);
            return thread;
        });
        // Fetch the topic's metadata now rather than on the first caller's time.
        sender.execute(() -> {
            try {
                producer.partitionsFor(TOPIC);
            } catch (RuntimeException e) {
                LOG.warnf("no metadata yet for %s (the first publish fetches it): %s", TOPIC, e.toString());
            }
        });
    }

    /** The settings that decide throughput and durability, as in force (Kafka's default where unset). */
    static String settings(Map<String, Object> config) {
        Map<String, Object> defaults = ProducerConfig.configDef().defaultValues();
        StringBuilder text = new StringBuilder();
        for (String name : List.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                ProducerConfig.BATCH_SIZE_CONFIG, ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.COMPRESSION_TYPE_CONFIG,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, ProducerConfig.BUFFER_MEMORY_CONFIG)) {
            Object value = config.containsKey(name) ? config.get(name) : defaults.get(name);
            text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(value);
        }
        return text.toString();
    }

    @PreDestroy
    void stop() {
        if (sender != null) {
            sender.shutdown();
            try {
                sender.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    public Uni<PublishReport> publish(List<Interaction> interactions) {
        if (interactions.isEmpty()) {
            return Uni.createFrom().item(new PublishReport(List.of(), null));
        }
        Context context = Vertx.currentContext();
        Uni<PublishReport> sent = Uni.createFrom().emitter(emitter -> {
            AtomicReferenceArray<Throwable> outcomes = new AtomicReferenceArray<>(interactions.size());
            AtomicInteger pending = new AtomicInteger(interactions.size());
            Runnable done = () -> {
                PublishReport report = report(interactions, outcomes);
                if (context != null) {
                    context.runOnContext(ignored -> emitter.complete(report));
                } else {
                    emitter.complete(report);
                }
            };
            try {
                sender.execute(() -> {
                    // A call's interactions come from one source: one source header for all of them.
                    String sourceId = null;
                    Header source = null;
                    for (int i = 0; i < interactions.size(); i++) {
                        int index = i;
                        Interaction interaction = interactions.get(i);
                        try {
                            if (source == null || !interaction.sourceId().equals(sourceId)) {
                                source = sourceHeader(interaction.sourceId());
                                sourceId = interaction.sourceId();
                            }
                            producer.send(record(interaction, source), (metadata, failure) -> {
                                outcomes.set(index, failure);
                                if (pending.decrementAndGet() == 0) {
                                    done.run();
                                }
                            });
                        } catch (RuntimeException e) {
                            outcomes.set(index, e);
                            if (pending.decrementAndGet() == 0) {
                                done.run();
                            }
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                emitter.fail(e);
            }
        });
        return sent
                .ifNoItem().after(timeout).fail()
                // Without an answer in time nothing counts as acknowledged: the retry may publish a
                // record twice, which consumers absorb (they are idempotent on source and message id).
                .onFailure().recoverWithItem(e -> new PublishReport(List.of(), e))
                .invoke(report -> {
                    if (report.failure() != null) {
                        LOG.warnf("the broker did not acknowledge %d of %d interactions: %s",
                                interactions.size() - report.acknowledged().size(), interactions.size(),
                                report.failure().toString());
                    }
                });
    }

    private static PublishReport report(List<Interaction> interactions, AtomicReferenceArray<Throwable> outcomes) {
        List<Interaction> acknowledged = new ArrayList<>(interactions.size());
        Throwable failure = null;
        for (int i = 0; i < interactions.size(); i++) {
            Throwable outcome = outcomes.get(i);
            if (outcome == null) {
                acknowledged.add(interactions.get(i));
            } else if (failure == null) {
                failure = outcome;
            }
        }
        return new PublishReport(acknowledged, failure);
    }

    static ProducerRecord<String, Interaction> record(Interaction interaction) {
        return record(interaction, sourceHeader(interaction.sourceId()));
    }

    /**
     * The headers {@link CloudEventHeaders#write} gives, built straight into one array: the
     * attributes every interaction shares are encoded once, not once per record.
     */
    private static ProducerRecord<String, Interaction> record(Interaction interaction, Header source) {
        String key = interaction.partitionKey();
        Header[] headers = new Header[key == null ? 6 : 7];
        int h = 0;
        headers[h++] = SPEC_VERSION;
        headers[h++] = header(CloudEventHeaders.ID, interaction.messageId());
        headers[h++] = TYPE;
        headers[h++] = source;
        headers[h++] = header(CloudEventHeaders.TIME, InstantText.format(interaction.timestamp()));
        if (key != null) {
            headers[h++] = header(CloudEventHeaders.SUBJECT, key);
        }
        headers[h] = CONTENT_TYPE;
        return new ProducerRecord<>(TOPIC, null, key, interaction, new RecordHeaders(headers));
    }

    private static Header sourceHeader(String sourceId) {
        // Through URI, as CloudEventAttributes has it: a source id that is no valid URI path fails here too.
        return header(CloudEventHeaders.SOURCE, URI.create("/touchpoint/channel-gateway/sources/" + sourceId).toString());
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
