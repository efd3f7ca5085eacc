package io.touchpoint.journey.execution.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** What a journey's state change does to the instances in it and to its schedule, and what is at each node. */
@ApplicationScoped
public class JourneyControl {

    private static final Logger LOG = Logger.getLogger(JourneyControl.class);

    private final Pool pool;
    private final Clock clock;
    private final InstanceStore instances;
    private final WakeupStore wakeups;
    private final WakeupScheduler scheduler;
    private final JourneyRunner runner;
    private final OutboxRelay relay;
    private final ActiveJourneys journeys;
    private final Broadcasts broadcasts;

    JourneyControl(Pool pool, Clock clock, InstanceStore instances, WakeupStore wakeups, WakeupScheduler scheduler,
            JourneyRunner runner, OutboxRelay relay, ActiveJourneys journeys, Broadcasts broadcasts) {
        this.runner = runner;
        this.relay = relay;
        this.pool = pool;
        this.clock = clock;
        this.instances = instances;
        this.wakeups = wakeups;
        this.scheduler = scheduler;
        this.journeys = journeys;
        this.broadcasts = broadcasts;
    }

    /** A crash between publishing and settling a version is finished here. */
    void onStart(@Observes StartupEvent event) {
        pool.withConnection(sql -> sql.query("SELECT journey_id FROM journey_version WHERE NOT settled").execute())
                .subscribe().with(rows -> rows.forEach(r -> settle(r.getString(0)).subscribe().with(
                        done -> LOG.infof("settled journey %s after a restart", r.getString(0)),
                        failure -> LOG.warn("settling a published version failed", failure))),
                        failure -> LOG.warn("looking for unsettled versions failed", failure));
    }

    public Uni<Map<String, Map<String, Long>>> counts(String journeyId) {
        return pool.withConnection(sql -> instances.counts(sql, journeyId));
    }

    /**
     * Carries out a newly published version: moves or exits instances on older versions as the
     * publisher chose, and arms the trigger's schedule or date walk. One transaction, marked settled.
     */
    public Uni<Void> settle(String journeyId) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> sql.preparedQuery("""
                SELECT v.version, v.in_flight FROM journey_version v JOIN journey j ON j.id = v.journey_id
                WHERE v.journey_id = $1 AND NOT v.settled AND v.version = j.published_version FOR UPDATE OF v""")
                .execute(Tuple.of(journeyId))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    int version = rows.iterator().next().getInteger(0);
                    String inFlight = rows.iterator().next().getString(1);
                    return journeys.version(sql, journeyId, version).chain(graph -> inFlight(sql, journeyId, version, graph,
                            inFlight, now)
                            .chain(() -> broadcasts.published(sql, journeyId, graph, now)))
                            .chain(() -> sql.preparedQuery("UPDATE journey_version SET settled = true WHERE journey_id = $1 AND version <= $2")
                                    .execute(Tuple.of(journeyId, version)))
                            .replaceWithVoid();
                })).invoke(() -> {
                    relay.kick();
                    scheduler.scheduled(now);
                });
    }

    private Uni<Void> inFlight(SqlClient sql, String journeyId, int version, JourneyGraph graph, String inFlight, Instant now) {
        if (inFlight.equals("stay")) {
            return Uni.createFrom().voidItem();
        }
        Uni<List<InstanceStore.Instance>> leaving = inFlight.equals("move")
                ? instances.moveToVersion(sql, journeyId, version, graph.nodes().keySet())
                : instances.lockOtherVersions(sql, journeyId, version);
        String reason = inFlight.equals("move") ? "version " + version + " has no node it was at" : "version " + version + " published";
        return leaving.chain(ended -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (InstanceStore.Instance instance : ended) {
                all = all.chain(() -> runner.end(sql, instance, reason, now));
            }
            return all;
        });
    }

    /** Resumed: every instance a wait left held goes on now, and a schedule gets its next occurrence. */
    public Uni<Void> release(String journeyId) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> instances.release(sql, journeyId, now).call(ids -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (String id : ids) {
                all = all.chain(() -> wakeups.schedule(sql, JourneyRunner.WAIT, id, now, null));
            }
            return all;
        }).call(() -> journeys.current(sql, journeyId).chain(current -> current.isEmpty() ? Uni.createFrom().voidItem()
                : current.get().graph().trigger() instanceof JourneyGraph.ScheduleTrigger
                        ? broadcasts.published(sql, journeyId, current.get().graph(), now)
                        : Uni.createFrom().voidItem())))
                .invoke(ids -> scheduler.scheduled(now)).replaceWithVoid();
    }

    public Uni<Integer> exitAll(String journeyId) {
        Instant now = clock.instant();
        List<Integer> count = new ArrayList<>();
        return pool.withTransaction(sql -> instances.exitAll(sql, journeyId, JourneyRunner.INSTANCE_WAKEUPS, "archived", now)
                .call(ended -> {
                    count.add(ended.size());
                    Uni<Void> all = wakeups.cancel(sql, Broadcasts.OCCURRENCE, journeyId).replaceWithVoid();
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
