package io.touchpoint.journey.execution.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.journey.definition.domain.Journey;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What a change of a profile does to journeys, inside the transaction that recorded it: first to
 * the instances it is in (an exit criterion ends them, the goal is counted, an awaited event lets a
 * wait go on), then the entries it triggers. Exits come first, so an event that both ends one
 * instance and starts another (a bet ending a win-back and starting the next) does both.
 */
@ApplicationScoped
public class ProfileReactions {

    /** What changed: the event performed (if any), a segment entered or left (if any), and the profile now. */
    public record Change(NodeStep.Subject subject, String event, Map<String, Object> properties, String segmentId,
            Boolean entered, String triggerId) {
        String profileId() {
            return subject.facts().profileId();
        }
    }

    private final ActiveJourneys journeys;
    private final InstanceStore instances;
    private final JourneyRunner runner;
    private final JourneyEntries entries;
    private final WakeupStore wakeups;

    ProfileReactions(ActiveJourneys journeys, InstanceStore instances, JourneyRunner runner, JourneyEntries entries,
            WakeupStore wakeups) {
        this.journeys = journeys;
        this.instances = instances;
        this.runner = runner;
        this.entries = entries;
        this.wakeups = wakeups;
    }

    public Uni<Void> react(SqlClient sql, Change change, Instant now, Consumer<Instant> dues) {
        return instances.lockOpen(sql, change.profileId())
                .chain(open -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (InstanceStore.Instance instance : open) {
                        all = all.chain(() -> journeys.version(sql, instance.journeyId(), instance.version())
                                .chain(graph -> inInstance(sql, instance, graph, change, now, dues)));
                    }
                    return all;
                })
                .chain(() -> enterAll(sql, change, now, dues))
                .chain(() -> dates(sql, change, now));
    }

    private Uni<Void> inInstance(SqlClient sql, InstanceStore.Instance instance, JourneyGraph graph, Change change, Instant now,
            Consumer<Instant> dues) {
        ConditionEvaluator.Facts facts = change.subject().facts().withEntry(instance.entry());
        String exit = exitReason(graph, change, facts, now);
        if (exit != null) {
            return runner.end(sql, instance, exit, now);
        }
        Uni<Boolean> goal = Uni.createFrom().item(false);
        JourneyGraph.Goal g = graph.goal();
        if (g != null && change.event() != null && g.event().equals(change.event()) && instance.goalAt() == null
                && (g.within() == null || !instance.enteredAt().plus(g.within()).isBefore(now))
                && ConditionEvaluator.matches(g.match(), facts, now)) {
            goal = instances.goal(sql, instance.id(), now)
                    .call(recorded -> recorded ? runner.goal(sql, instance, g.event(), now) : Uni.createFrom().voidItem())
                    .map(recorded -> recorded && g.exit());
        }
        return goal.chain(ends -> {
            if (ends) {
                return runner.end(sql, instance, "goal " + g.event() + " reached", now);
            }
            if (change.event() != null && instance.state().equals("waiting")
                    && graph.node(instance.nodeId()) instanceof JourneyGraph.WaitForEvent w && w.event().equals(change.event())
                    && ConditionEvaluator.matches(w.match(), facts, now)) {
                return wakeups.cancel(sql, JourneyRunner.WAIT, instance.id())
                        .chain(() -> instances.nextSeq(sql, instance.id()))
                        .chain(seq -> instances.step(sql, instance.id(), seq, w.id(), w.event() + " arrived", now))
                        .chain(() -> runner.run(sql, instance, graph, w.next(), now))
                        .invoke(due -> due.ifPresent(dues)).replaceWithVoid();
            }
            return Uni.createFrom().voidItem();
        });
    }

    private static String exitReason(JourneyGraph graph, Change change, ConditionEvaluator.Facts facts, Instant now) {
        for (JourneyGraph.ExitCriterion c : graph.exits()) {
            if (c instanceof JourneyGraph.ExitOnEvent e && e.event().equals(change.event())
                    && ConditionEvaluator.matches(e.match(), facts, now)) {
                return "exit event " + e.event();
            }
            if (c instanceof JourneyGraph.ExitOnSegmentLeft s && s.segmentId().equals(change.segmentId())
                    && Boolean.FALSE.equals(change.entered())) {
                return "left segment " + s.segmentId();
            }
            if (c instanceof JourneyGraph.ExitWhen w && ConditionEvaluator.matches(w.condition(), facts, now)) {
                return "exit condition met";
            }
        }
        return null;
    }

    private Uni<Void> enterAll(SqlClient sql, Change change, Instant now, Consumer<Instant> dues) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (ActiveJourneys.Published journey : journeys.published()) {
            if (!journey.state().equals(Journey.ACTIVE) || !triggers(journey.graph().trigger(), change, now)) {
                continue;
            }
            Map<String, Object> payload = change.event() != null ? change.properties()
                    : Map.of("segmentId", change.segmentId());
            all = all.chain(() -> entries.enter(sql, journey, change.subject(), change.triggerId(), payload, null, now, dues)
                    .replaceWithVoid());
        }
        return all;
    }

    private static boolean triggers(JourneyGraph.Trigger trigger, Change change, Instant now) {
        if (trigger instanceof JourneyGraph.EventTrigger e) {
            return e.event().equals(change.event()) && ConditionEvaluator.matches(e.match(), change.subject().facts(), now);
        }
        if (trigger instanceof JourneyGraph.SegmentTrigger s) {
            return s.segmentId().equals(change.segmentId()) && Boolean.valueOf(s.entered()).equals(change.entered());
        }
        return false;
    }

    /** Date-triggered journeys: the profile's next moment, from its attribute as it is now. */
    private Uni<Void> dates(SqlClient sql, Change change, Instant now) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (ActiveJourneys.Published journey : journeys.published()) {
            if (journey.graph().trigger() instanceof JourneyGraph.DateTrigger) {
                all = all.chain(() -> DateEntries.schedule(wakeups, sql, journey, change.subject(), now));
            }
        }
        return all;
    }

    /** Instances of the profiles merged into a survivor become the survivor's; duplicates by journey and key end. */
    public Uni<Void> merged(SqlClient sql, List<String> mergedIds, String survivor, Instant now) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String merged : mergedIds) {
            all = all.chain(() -> instances.mergeInto(sql, merged, survivor).chain(duplicates -> {
                Uni<Void> ends = Uni.createFrom().voidItem();
                for (InstanceStore.Instance d : duplicates) {
                    ends = ends.chain(() -> runner.end(sql, d, "merged into " + survivor + ", which is already in it", now));
                }
                return ends;
            }));
        }
        return all;
    }
}
