package io.touchpoint.journey.execution.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.Pool;

/** What a journey's state change does to the instances in it, and what is at each node. */
@ApplicationScoped
public class JourneyControl {

    private final Pool pool;
    private final Clock clock;
    private final InstanceStore instances;
    private final WakeupStore wakeups;
    private final WakeupScheduler scheduler;
    private final JourneyRunner runner;
    private final OutboxRelay relay;

    JourneyControl(Pool pool, Clock clock, InstanceStore instances, WakeupStore wakeups, WakeupScheduler scheduler,
            JourneyRunner runner, OutboxRelay relay) {
        this.runner = runner;
        this.relay = relay;
        this.pool = pool;
        this.clock = clock;
        this.instances = instances;
        this.wakeups = wakeups;
        this.scheduler = scheduler;
    }

    public Uni<Map<String, Map<String, Long>>> counts(String journeyId) {
        return pool.withConnection(sql -> instances.counts(sql, journeyId));
    }

    /** Resumed: every instance a wait left held goes on now. */
    public Uni<Void> release(String journeyId) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> instances.release(sql, journeyId, now).call(ids -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (String id : ids) {
                all = all.chain(() -> wakeups.schedule(sql, JourneyRunner.WAIT, id, now, null));
            }
            return all;
        })).invoke(ids -> {
            if (!ids.isEmpty()) {
                scheduler.scheduled(now);
            }
        }).replaceWithVoid();
    }

    public Uni<Integer> exitAll(String journeyId) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> instances.exitAll(sql, journeyId, JourneyRunner.WAIT, "archived", now)
                .call(ended -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (InstanceStore.Ended e : ended) {
                        all = all.chain(() -> runner.exited(sql, e.profileId(), journeyId, e.version(), e.instanceId(),
                                e.nodeId(), "archived", now));
                    }
                    return all;
                })).invoke(relay::kick).map(List::size);
    }

    public Uni<List<InstanceStore.Instance>> ofProfile(String profileId) {
        return pool.withConnection(sql -> instances.ofProfile(sql, profileId));
    }

    public Uni<List<InstanceStore.Step>> steps(String instanceId) {
        return pool.withConnection(sql -> instances.steps(sql, instanceId));
    }
}
