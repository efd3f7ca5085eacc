package io.touchpoint.platform.outbox;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
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
import io.touchpoint.platform.time.CoalescedRuns;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Relays outbox rows to Kafka in id order, then deletes them, in one transaction: a row leaves the
 * outbox only after the broker acknowledged it (acks=all). A crash in between resends it with the
 * same CloudEvents id, so consumers drop the repeat. Kicked after every committed change for low
 * latency; a periodic sweep picks up what a crashed or failed relay left. One channel serves every
 * contract topic: each record names its own. A record the broker can never take is set aside in
 * {@code outbox_failed} rather than blocking every record behind it.
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

    private final CoalescedRuns drains = new CoalescedRuns(this::drain,
            failure -> LOG.warn("outbox relay failed; the rows stay and are retried", failure));
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
        drains.request();
    }

    private Uni<Integer> drain() {
        return pool.withTransaction(sql -> outbox.claimOldest(sql, BATCH).chain(records -> {
            if (records.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Outcome>> sends = records.stream().map(r -> send(r).map(sent -> Outcome.sent(r))
                    .onFailure().recoverWithItem(e -> Outcome.failed(r, e))).toList();
            return Uni.join().all(sends).andFailFast().chain(outcomes -> settle(sql, outcomes));
        })).chain(sent -> sent == BATCH ? drain().map(more -> sent + more) : Uni.createFrom().item(sent));
    }

    /**
     * Acknowledged rows leave the outbox; rows the broker can never take (too large, no such topic,
     * not serializable) move to {@code outbox_failed} so they do not block what follows; rows that
     * failed otherwise (the broker unreachable past the producer's own retries) stay for the next drain.
     */
    private Uni<Integer> settle(SqlClient sql, List<Outcome> outcomes) {
        List<OutboxRecord> sent = outcomes.stream().filter(o -> o.failure() == null).map(Outcome::record).toList();
        List<Outcome> permanent = outcomes.stream().filter(o -> o.failure() != null && permanent(o.failure())).toList();
        long retried = outcomes.stream().filter(o -> o.failure() != null && !permanent(o.failure())).count();
        if (retried > 0) {
            LOG.warnf(outcomes.stream().filter(o -> o.failure() != null && !permanent(o.failure())).findFirst()
                    .map(Outcome::failure).orElse(null), "%d outbox records were not acknowledged; they stay and are retried", retried);
        }
        Uni<Void> done = sent.isEmpty() ? Uni.createFrom().voidItem()
                : outbox.remove(sql, sent.stream().map(OutboxRecord::id).toList());
        for (Outcome failed : permanent) {
            LOG.errorf(failed.failure(), "outbox record %d (%s on %s, key %s) can never be sent; moved to outbox_failed",
                    failed.record().id(), failed.record().type(), failed.record().topic(), failed.record().key());
            done = done.chain(() -> outbox.moveToFailed(sql, failed.record(), String.valueOf(failed.failure())));
        }
        if (!sent.isEmpty()) {
            for (OutboxAcknowledged hook : hooks) {
                done = done.chain(() -> hook.acknowledged(sql, sent));
            }
        }
        return done.replaceWith(sent.size() + permanent.size());
    }

    static boolean permanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidTopicException || t instanceof SerializationException
                    || t instanceof NotContractTopic) {
                return true;
            }
        }
        return false;
    }

    private record Outcome(OutboxRecord record, Throwable failure) {
        static Outcome sent(OutboxRecord record) {
            return new Outcome(record, null);
        }

        static Outcome failed(OutboxRecord record, Throwable failure) {
            return new Outcome(record, failure);
        }
    }

    /** An outbox row naming a topic that is not in contracts: a bug in the service that wrote it. */
    static final class NotContractTopic extends IllegalStateException {
        NotContractTopic(String message) {
            super(message);
        }
    }

    private Uni<Void> send(OutboxRecord record) {
        if (Topic.byName(record.topic()).isEmpty()) {
            return Uni.createFrom().failure(new NotContractTopic("outbox row " + record.id()
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
