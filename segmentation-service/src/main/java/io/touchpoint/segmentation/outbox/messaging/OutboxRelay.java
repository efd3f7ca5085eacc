package io.touchpoint.segmentation.outbox.messaging;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.touchpoint.contracts.Topic;
import io.touchpoint.segmentation.outbox.store.OutboxStore;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Relays outbox rows to Kafka in id order, then deletes them, in one transaction: a row leaves the
 * outbox only after the broker acknowledged it (acks=all). A crash in between resends it with the
 * same CloudEvents id, so consumers can drop the repeat. Kicked after every committed change for low
 * latency; a periodic sweep picks up what a crashed or failed relay left.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final URI SOURCE = URI.create("/touchpoint/segmentation-service");
    private static final int BATCH = 500;

    @Inject
    Pool pool;
    @Inject
    OutboxStore outbox;
    @Inject
    Vertx vertx;

    @Inject
    @Channel("segment-memberships-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> memberships;

    @ConfigProperty(name = "touchpoint.outbox.sweep-interval-ms", defaultValue = "1000")
    long sweepIntervalMs;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile long timer = -1;

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(sweepIntervalMs, id -> kick());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Drains the outbox soon; calls while a drain runs coalesce into one more drain. */
    public void kick() {
        // The request is recorded before trying to run, so a drain finishing concurrently either sees
        // it or has already released the flag this call then takes: no kick is lost to the sweep.
        again.set(true);
        if (running.compareAndSet(false, true)) {
            drainOnce();
        }
    }

    private void drainOnce() {
        again.set(false);
        drain().subscribe().with(sent -> done(), failure -> {
            LOG.warn("outbox relay failed; the rows stay and are retried", failure);
            done();
        });
    }

    private void done() {
        running.set(false);
        if (again.get() && running.compareAndSet(false, true)) {
            drainOnce();
        }
    }

    private Uni<Integer> drain() {
        return pool.withTransaction(sql -> outbox.claimOldest(sql, BATCH).chain(records -> {
            if (records.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Void>> sends = records.stream().map(this::send).toList();
            return Uni.join().all(sends).andFailFast()
                    .chain(() -> outbox.remove(sql, records.stream().map(OutboxStore.OutboxRecord::id).toList()))
                    .replaceWith(records.size());
        })).chain(sent -> sent == BATCH ? drain().map(more -> sent + more) : Uni.createFrom().item(sent));
    }

    private Uni<Void> send(OutboxStore.OutboxRecord record) {
        if (!record.topic().equals(Topic.SEGMENT_MEMBERSHIPS.topicName())) {
            return Uni.createFrom().failure(new IllegalStateException("no channel for outbox topic " + record.topic()));
        }
        Message<String> message = Message.of(record.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(record.key()).build())
                .addMetadata(OutgoingCloudEventMetadata.builder()
                        .withId(record.eventId())
                        .withType(record.type())
                        .withSource(SOURCE)
                        .withSubject(record.key())
                        .withTimestamp(record.createdAt().atZone(ZoneOffset.UTC))
                        .withDataContentType("application/json")
                        .build());
        return memberships.sendMessage(message);
    }
}
