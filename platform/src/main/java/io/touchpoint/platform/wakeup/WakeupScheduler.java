package io.touchpoint.platform.wakeup;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.time.AdjustableClock;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Fires due wake-ups at their instant on the service's clock. A timer is armed for the earliest due
 * instant (one index lookup, whatever the number waiting), capped at the poll interval so wake-ups
 * another replica scheduled, or a clock moved forward elsewhere, are seen within it; a local
 * {@link #scheduled(Instant)} or an adjustable clock's jump re-arms at once. Due wake-ups are
 * claimed in due order, a batch per transaction, each inside a savepoint: one whose handler fails is
 * postponed by the backoff and the rest of the batch still commits.
 */
@ApplicationScoped
public class WakeupScheduler {

    private static final Logger LOG = Logger.getLogger(WakeupScheduler.class);
    private static final long MIN_DELAY_MS = 10;

    private final Pool pool;
    private final Clock clock;
    private final Vertx vertx;
    private final WakeupStore store;
    private final Map<String, WakeupHandler> handlers = new HashMap<>();
    private final AdjustableClock adjustable;
    private final OutboxRelay relay;
    private final long pollMs;
    private final int batch;
    private final int lanes;
    private final Duration backoff;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicLong timer = new AtomicLong(-1);
    private final AtomicLong armedFor = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong fired = new AtomicLong();
    private volatile boolean stopped;

    WakeupScheduler(Pool pool, Clock clock, Vertx vertx, WakeupStore store, Instance<WakeupHandler> handlers,
            AdjustableClock adjustable, OutboxRelay relay,
            @ConfigProperty(name = "touchpoint.wakeups.poll-interval-ms", defaultValue = "1000") long pollMs,
            @ConfigProperty(name = "touchpoint.wakeups.batch", defaultValue = "100") int batch,
            @ConfigProperty(name = "touchpoint.wakeups.lanes", defaultValue = "4") int lanes,
            @ConfigProperty(name = "touchpoint.wakeups.failure-backoff", defaultValue = "PT1M") Duration backoff) {
        this.pool = pool;
        this.clock = clock;
        this.vertx = vertx;
        this.store = store;
        this.adjustable = adjustable;
        this.relay = relay;
        this.pollMs = pollMs;
        this.batch = batch;
        this.lanes = Math.max(1, lanes);
        this.backoff = backoff;
        for (WakeupHandler handler : handlers) {
            if (this.handlers.put(handler.kind(), handler) != null) {
                throw new IllegalStateException("two wake-up handlers for kind " + handler.kind());
            }
        }
    }

    void start(@Observes StartupEvent event) {
        if (handlers.isEmpty()) {
            return;
        }
        if (clock == adjustable) {
            adjustable.onChange(this::fireDue);
        }
        fireDue();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        vertx.cancelTimer(timer.get());
    }

    /** Tells the scheduler a wake-up was scheduled (after its transaction committed): re-arms when it is earlier. */
    public void scheduled(Instant dueAt) {
        if (dueAt.toEpochMilli() < armedFor.get()) {
            arm(dueAt);
        }
    }

    /** How many wake-ups this process fired since it started. */
    public long fired() {
        return fired.get();
    }

    /** Fires everything due now; calls while a run goes on coalesce into one more run. */
    public void fireDue() {
        again.set(true);
        if (!stopped && running.compareAndSet(false, true)) {
            runOnce();
        }
    }

    private void runOnce() {
        again.set(false);
        drainInLanes().chain(() -> pool.withConnection(store::nextDue))
                .subscribe().with(next -> {
                    running.set(false);
                    if (again.get()) {
                        fireDue();
                    } else {
                        next.ifPresentOrElse(this::arm, () -> arm(null));
                    }
                }, failure -> {
                    LOG.warn("firing due wake-ups failed; retried within the poll interval", failure);
                    running.set(false);
                    arm(null);
                });
    }

    private void arm(Instant dueAt) {
        if (stopped) {
            return;
        }
        long now = clock.millis();
        // At least a few milliseconds: re-arming every millisecond while wake-ups stream in re-reads the
        // head of the due index (dead rows not yet vacuumed) far more often than anything falls due.
        long delay = dueAt == null ? pollMs : Math.max(MIN_DELAY_MS, Math.min(pollMs, dueAt.toEpochMilli() - now));
        armedFor.set(now + delay);
        long previous = timer.getAndSet(vertx.setTimer(delay, id -> {
            armedFor.set(Long.MAX_VALUE);
            fireDue();
        }));
        vertx.cancelTimer(previous);
    }

    /**
     * Several transactions claim and fire at once: a handler's statements wait on round trips far
     * more than on the database, and SKIP LOCKED gives each lane other wake-ups.
     */
    private Uni<Void> drainInLanes() {
        if (lanes == 1) {
            return drain();
        }
        List<Uni<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            all.add(drain());
        }
        return Uni.join().all(all).andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> drain() {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> store.claimDue(sql, now, batch).call(due -> fireAll(sql, due)))
                // What the handlers wrote to the outbox goes now, not at the relay's next sweep.
                .invoke(due -> {
                    if (!due.isEmpty()) {
                        relay.kick();
                    }
                })
                .chain(due -> due.size() == batch && !stopped ? drain() : Uni.createFrom().voidItem());
    }

    private Uni<Void> fireAll(SqlClient sql, List<Wakeup> due) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Wakeup wakeup : due) {
            chain = chain.chain(() -> fireOne(sql, wakeup));
        }
        return chain;
    }

    private Uni<Void> fireOne(SqlClient sql, Wakeup wakeup) {
        WakeupHandler handler = handlers.get(wakeup.kind());
        if (handler == null) {
            LOG.warnf("no handler for wake-up kind %s (key %s); postponed by %s", wakeup.kind(), wakeup.key(), backoff);
            return postpone(sql, wakeup);
        }
        return sql.query("SAVEPOINT wakeup").execute()
                .chain(() -> store.remove(sql, wakeup.id()))
                .chain(() -> handler.fire(sql, wakeup))
                .chain(() -> sql.query("RELEASE SAVEPOINT wakeup").execute())
                .invoke(() -> fired.incrementAndGet())
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf(e, "wake-up %s/%s failed; postponed by %s", wakeup.kind(), wakeup.key(), backoff);
                    return sql.query("ROLLBACK TO SAVEPOINT wakeup").execute().chain(() -> postpone(sql, wakeup));
                });
    }

    private Uni<Void> postpone(SqlClient sql, Wakeup wakeup) {
        return sql.preparedQuery("UPDATE wakeup SET due_at = $2 WHERE id = $1")
                .execute(Tuple.of(wakeup.id(), ts(clock.instant().plus(backoff)))).replaceWithVoid();
    }
}
