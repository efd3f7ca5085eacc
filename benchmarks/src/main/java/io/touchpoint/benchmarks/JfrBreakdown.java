package io.touchpoint.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service's CPU samples fall (JFR jdk.ExecutionSample): each sample goes to the activity
 * of the frame nearest the leaf that belongs to a known one, so Jackson called by the request parser
 * counts as parsing and Jackson called by the Kafka serializer as serialization. One list of
 * activities for the gateway's batch load, one for segmentation's lookups.
 */
final class JfrBreakdown {

    record Activity(String name, List<String> prefixes) {
    }

    static final List<Activity> GATEWAY = List.of(
            new Activity("parse the request JSON, size checks (TrackingRequestParser)",
                    List.of("io.touchpoint.gateway.tracking.domain.TrackingRequestParser", "io.touchpoint.gateway.tracking.domain.RequestBodies")),
            new Activity("validate and build each Interaction (MessageValidator, Timestamps)",
                    List.of("io.touchpoint.gateway.tracking.domain.MessageValidator", "io.touchpoint.gateway.tracking.domain.Timestamps",
                            "io.touchpoint.gateway.tracking.domain.ClockSkew")),
            new Activity("serialize each Interaction to JSON (InteractionSerializer)",
                    List.of("io.touchpoint.gateway.tracking.messaging.InteractionSerializer")),
            new Activity("CloudEvents headers (KafkaCloudEventHelper)", List.of("io.smallrye.reactive.messaging.kafka.impl.ce")),
            new Activity("KafkaProducer.send: partition, accumulate (caller thread)", List.of("org.apache.kafka.clients.producer.KafkaProducer",
                    "org.apache.kafka.clients.producer.internals.RecordAccumulator", "org.apache.kafka.common.record")),
            new Activity("per-message Message + metadata (InteractionPublisher)",
                    List.of("io.touchpoint.gateway.tracking.messaging.InteractionPublisher")),
            new Activity("SmallRye Reactive Messaging emitter / Kafka sink (per message)", List.of("io.smallrye.reactive.messaging")),
            new Activity("Redis client (dedupe MGET + one SET NX EX per message)",
                    List.of("io.vertx.redis", "io.quarkus.redis", "io.touchpoint.gateway.tracking.messaging.MessageDeduplicator")),
            new Activity("write-key check", List.of("io.touchpoint.gateway.source")),
            new Activity("Mutiny / context propagation plumbing", List.of("io.smallrye.mutiny", "io.smallrye.context", "io.quarkus.arc")),
            new Activity("metrics (Micrometer, Kafka client metrics)", List.of("io.micrometer", "org.apache.kafka.common.metrics")),
            new Activity("HTTP server (Vert.x, Netty, RESTEasy Reactive)",
                    List.of("io.netty", "io.vertx", "org.jboss.resteasy", "io.quarkus.vertx", "io.quarkus.resteasy")));

    static final List<Activity> SEGMENTATION_LOOKUPS = List.of(
            new Activity("JWT verification and claims (smallrye-jwt, jose4j)", List.of("io.smallrye.jwt", "org.jose4j",
                    "io.quarkus.smallrye.jwt", "sun.security.rsa", "sun.security.provider", "java.security.Signature")),
            new Activity("verified-token cache and identity (Touchpoint, Quarkus security)",
                    List.of("io.touchpoint.segmentation.platform.security", "io.quarkus.security", "io.quarkus.vertx.http.runtime.security")),
            new Activity("lookup: cache read and response body (Touchpoint)", List.of("io.touchpoint.segmentation.membership")),
            new Activity("Redis client (Quarkus, Vert.x)", List.of("io.vertx.redis", "io.quarkus.redis")),
            new Activity("Jackson", List.of("com.fasterxml.jackson")),
            new Activity("Mutiny / context propagation / Arc plumbing", List.of("io.smallrye.mutiny", "io.smallrye.context", "io.quarkus.arc")),
            new Activity("metrics (Micrometer)", List.of("io.micrometer", "io.quarkus.micrometer")),
            new Activity("RESTEasy Reactive", List.of("org.jboss.resteasy", "io.quarkus.resteasy")),
            new Activity("Vert.x, Netty: HTTP server and all socket I/O (Redis connections too)", List.of("io.netty", "io.vertx", "io.quarkus.vertx", "sun.nio")));

    /** The gateway's delivery work: deciding requests, rendering, sending mail, recording outcomes. */
    static final List<Activity> DELIVERY = List.of(
            new Activity("logging (JBoss Log Manager)", List.of("org.jboss.logmanager", "org.jboss.logging")),
            new Activity("Liquid rendering (liqp, ANTLR)", List.of("liqp", "org.antlr")),
            new Activity("text part from HTML, escaping (jsoup)", List.of("org.jsoup")),
            new Activity("unsubscribe token (HMAC)", List.of("io.touchpoint.gateway.unsubscribe", "javax.crypto", "com.sun.crypto")),
            new Activity("SMTP client: MIME encoding, protocol (Vert.x mail client, quarkus-mailer)",
                    List.of("io.vertx.ext.mail", "io.vertx.mutiny.ext.mail", "io.quarkus.mailer")),
            new Activity("JSON (Jackson: events, variables, outbox payloads)", List.of("com.fasterxml.jackson")),
            new Activity("PostgreSQL client (Vert.x pg client: codec, pool)", List.of("io.vertx.pgclient", "io.vertx.sqlclient",
                    "io.vertx.mutiny.sqlclient", "io.vertx.mutiny.pgclient")),
            new Activity("Kafka consumer (poll, fetch, deserialize)", List.of("org.apache.kafka.clients.consumer",
                    "io.smallrye.reactive.messaging.kafka.impl.KafkaSource", "io.smallrye.reactive.messaging.kafka.impl.ReactiveKafkaConsumer")),
            new Activity("Kafka producer (outbox relay sends)", List.of("org.apache.kafka.clients.producer", "org.apache.kafka.common.record")),
            new Activity("delivery: policy, ledger, dispatcher (Touchpoint)", List.of("io.touchpoint.gateway.delivery",
                    "io.touchpoint.gateway.recipient", "io.touchpoint.gateway.template")),
            new Activity("platform (outbox relay, wake-ups, erasure check)", List.of("io.touchpoint.platform")),
            new Activity("SmallRye Fault Tolerance", List.of("io.smallrye.faulttolerance")),
            new Activity("SmallRye Reactive Messaging", List.of("io.smallrye.reactive.messaging")),
            new Activity("Mutiny / context propagation / Arc", List.of("io.smallrye.mutiny", "io.smallrye.context", "io.quarkus.arc")),
            new Activity("metrics (Micrometer, Kafka metrics)", List.of("io.micrometer", "org.apache.kafka.common.metrics")),
            new Activity("Vert.x / Netty I/O", List.of("io.netty", "io.vertx", "sun.nio")));

    /** The gateway's breakdown; see {@link #analyse(Path, List)}. */
    static Map<String, Double> analyse(Path recording) throws IOException {
        return analyse(recording, GATEWAY);
    }

    /** @return activity → share of samples (0..1), largest first, plus the sample count under "samples" */
    static Map<String, Double> analyse(Path recording, List<Activity> activities) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                samples++;
                counts.merge(classify(event, activities), 1, Integer::sum);
            }
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        int total = samples;
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> shares.put(e.getKey(), (double) e.getValue() / total));
        shares.put("samples", (double) samples);
        return shares;
    }

    private static String classify(RecordedEvent event, List<Activity> activities) {
        String thread = event.getThread("sampledThread") == null ? "" : event.getThread("sampledThread").getJavaName();
        if (thread != null && thread.startsWith("kafka-producer-network-thread")) {
            return "Kafka producer I/O thread (Sender: drain batches, network, acks)";
        }
        if (event.getStackTrace() == null) {
            return "other";
        }
        for (RecordedFrame frame : event.getStackTrace().getFrames()) {
            if (!frame.isJavaFrame() || frame.getMethod() == null) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            for (Activity activity : activities) {
                for (String prefix : activity.prefixes()) {
                    if (type.startsWith(prefix)) {
                        return activity.name();
                    }
                }
            }
        }
        return "other (" + (thread == null ? "?" : thread.replaceAll("\\d+", "N")) + ")";
    }
}
