package io.touchpoint.platform.outbox;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

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
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Relays outbox rows to Kafka in id order, then deletes them, in one transaction: a row leaves the
 * outbox only after the broker acknowledged it (acks=all). A crash in between resends it with the
 * same CloudEvents id, so consumers drop the repeat. Kicked after every committed change for low
 * latency; a periodic sweep picks up what a crashed or failed relay left. One channel serves every
 * contract topic: each record names its own.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;

    private final Pool pool;
    private final OutboxStore outbox;
    private final Vertx vertx;
    private final MutinyEmitter<String> emitter;
    private final Instance<OutboxAcknowledged> hooks;
    private final URI source;
    private final long sweepIntervalMs;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile PeriodicWork sweep;

    OutboxRelay(Pool pool, OutboxStore outbox, Vertx vertx,
            @Channel("outbox-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) MutinyEmitter<String> emitter,
            Instance<OutboxAcknowledged> hooks,
            @ConfigProperty(name = "quarkus.application.name") String application,
            @ConfigProperty(name = "touchpoint.outbox.sweep-interval-ms", defaultValue = "1000") long sweepIntervalMs) {
        this.pool = pool;
        this.outbox = outbox;
        this.vertx = vertx;
        this.emitter = emitter;
        this.hooks = hooks;
        this.source = URI.create("/touchpoint/" + application);
        this.sweepIntervalMs = sweepIntervalMs;
    }

    void start(@Observes StartupEvent event) {
        sweep = PeriodicWork.every(vertx, sweepIntervalMs, () -> Uni.createFrom().item(() -> {
            kick();
            return null;
        }), LOG, "outbox sweep failed");
    }

    void stop(@Observes ShutdownEvent event) {
        if (sweep != null) {
            sweep.cancel();
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
            Uni<Void> acknowledged = Uni.join().all(sends).andFailFast()
                    .chain(() -> outbox.remove(sql, records.stream().map(OutboxRecord::id).toList()));
            for (OutboxAcknowledged hook : hooks) {
                acknowledged = acknowledged.chain(() -> hook.acknowledged(sql, records));
            }
            return acknowledged.replaceWith(records.size());
        })).chain(sent -> sent == BATCH ? drain().map(more -> sent + more) : Uni.createFrom().item(sent));
    }

    private Uni<Void> send(OutboxRecord record) {
        if (Topic.byName(record.topic()).isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("outbox row " + record.id()
                    + " names topic " + record.topic() + ", which is no contract topic"));
        }
        Message<String> message = Message.of(record.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(record.topic()).withKey(record.key()).build())
                .addMetadata(OutgoingCloudEventMetadata.builder()
                        .withId(record.eventId())
                        .withType(record.type())
                        .withSource(source)
                        .withSubject(record.key())
                        .withTimestamp(record.createdAt().atZone(ZoneOffset.UTC))
                        .withDataContentType("application/json")
                        .build());
        return emitter.sendMessage(message);
    }
}
