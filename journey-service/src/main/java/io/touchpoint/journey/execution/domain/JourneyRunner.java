package io.touchpoint.journey.execution.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.touchpoint.platform.outbox.OutboxStore;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Moves an instance through its version's nodes, inside the caller's transaction, until it waits or
 * exits: every step, the instance's new place, the outbox record of every message request and the
 * journey events analytics counts commit together. What each node does is {@link NodeStep}'s
 * decision; this carries it out. A request's id is derived from (instance, node, step), so a
 * redelivery, a crash or a second replica can never ask the gateway twice for the same message.
 */
@ApplicationScoped
public class JourneyRunner {

    /** The wake-up kind of journey waits (durations, local times, dates, event timeouts); the key is the instance id. */
    public static final String WAIT = "journey-wait";
    /** An instance entered by a schedule in recipient time, held at its start node until its local moment. */
    public static final String START = "journey-start";
    public static final List<String> INSTANCE_WAKEUPS = List.of(WAIT, START);
    /** A definition is validated against loops without waits; this only bounds a bug. */
    private static final int MAX_STEPS_AT_ONCE = 1000;

    private final InstanceStore instances;
    private final ProfileFactStore profiles;
    private final OutboxStore outbox;
    private final WakeupStore wakeups;

    JourneyRunner(InstanceStore instances, ProfileFactStore profiles, OutboxStore outbox, WakeupStore wakeups) {
        this.instances = instances;
        this.profiles = profiles;
        this.outbox = outbox;
        this.wakeups = wakeups;
    }

    /**
     * Runs from node {@code from} with the profile's current state as the journey knows it.
     *
     * @return when the instance wakes up next, if it now waits
     */
    public Uni<Optional<Instant>> run(SqlClient sql, InstanceStore.Instance instance, JourneyGraph graph, String from,
            Instant now) {
        return Uni.combine().all().unis(profiles.load(sql, instance.profileId()), instances.nextSeq(sql, instance.id())).asTuple()
                .chain(both -> step(sql, instance, entered(instance, both.getItem1().orElseGet(() -> new NodeStep.Subject(
                        new ConditionEvaluator.Facts(instance.profileId(), Map.of(), Map.of(), List.of(), List.of(),
                                java.util.Set.of()), Map.of()))), graph, from, both.getItem2(), 0, now));
    }

    /** A new instance's first steps, with the profile as the caller already knows it: no step before, nothing to read. */
    public Uni<Optional<Instant>> runNew(SqlClient sql, InstanceStore.Instance instance, JourneyGraph graph,
            NodeStep.Subject subject, Instant now) {
        return step(sql, instance, entered(instance, subject), graph, graph.start(), 1, 0, now);
    }

    private static NodeStep.Subject entered(InstanceStore.Instance instance, NodeStep.Subject subject) {
        return new NodeStep.Subject(subject.facts().withEntry(instance.entry()), subject.preferences());
    }

    /** Holds a new instance at its start node until {@code due} (a broadcast in each recipient's local time). */
    public Uni<Optional<Instant>> holdUntil(SqlClient sql, InstanceStore.Instance instance, Instant due, Instant now) {
        return wakeups.schedule(sql, START, instance.id(), due, null)
                .chain(() -> instances.move(sql, instance.id(), "waiting", instance.nodeId(), null, now))
                .chain(() -> instances.nextSeq(sql, instance.id()))
                .chain(seq -> instances.step(sql, instance.id(), seq, instance.nodeId(), "held until " + due + " local time", now))
                .replaceWith(Optional.of(due));
    }

    private Uni<Optional<Instant>> step(SqlClient sql, InstanceStore.Instance instance, NodeStep.Subject subject,
            JourneyGraph graph, String nodeId, int seq, int taken, Instant now) {
        if (taken >= MAX_STEPS_AT_ONCE) {
            return instances.move(sql, instance.id(), "exited", nodeId, "too many steps at once", now)
                    .replaceWith(Optional.empty());
        }
        NodeStep.Outcome outcome = NodeStep.decide(instance.journeyId(), graph, graph.node(nodeId), subject,
                instance.enteredAt(), now);
        if (outcome instanceof NodeStep.Request r) {
            String requestId = derived("request", instance.id(), nodeId, seq);
            Map<String, Object> variables = new LinkedHashMap<>(r.send().variables());
            variables.put("entry", instance.entry());
            var request = new MessageRequested(requestId, instance.profileId(), instance.journeyId(), nodeId,
                    r.send().channel(), r.send().template(), r.send().topic(), r.send().transactional(), variables, now);
            String detail = "message requested " + requestId;
            return all(outbox.append(sql, requestId, Topic.MESSAGE_REQUESTS, instance.profileId(), EventTypes.MESSAGE_REQUESTED,
                    request, now), record(sql, instance, nodeId, seq, detail, now))
                    .chain(() -> step(sql, instance, subject, graph, r.send().next(), seq + 1, taken + 1, now));
        }
        if (outcome instanceof NodeStep.SetTraits t) {
            String messageId = derived("identify", instance.id(), nodeId, seq);
            var identify = new Interaction(messageId, Interaction.JOURNEY_SOURCE, Interaction.IDENTIFY, null, null, null, null, null, null, null,
                    null, t.update().traits(), Interaction.addressedTo(instance.profileId()), null, now, now,
                    now, now);
            return all(outbox.append(sql, messageId, Topic.INTERACTIONS, instance.profileId(), EventTypes.INTERACTION, identify, now),
                    record(sql, instance, nodeId, seq, "traits set " + t.update().traits().keySet(), now))
                    .chain(() -> step(sql, instance, subject, graph, t.update().next(), seq + 1, taken + 1, now));
        }
        if (outcome instanceof NodeStep.Go go) {
            Uni<Void> arm = go.arm() == null ? Uni.createFrom().voidItem()
                    : all(instances.arm(sql, instance.id(), go.arm()), event(sql, instance, JourneyEvent.Kind.ARM, nodeId, seq, go.arm(), now));
            return all(arm, record(sql, instance, nodeId, seq, go.detail(), now))
                    .chain(() -> step(sql, instance, subject, graph, go.next(), seq + 1, taken + 1, now));
        }
        if (outcome instanceof NodeStep.WaitTill wait) {
            return all(wakeups.schedule(sql, WAIT, instance.id(), wait.due(), null),
                    instances.move(sql, instance.id(), "waiting", nodeId, null, now),
                    record(sql, instance, nodeId, seq, wait.detail(), now))
                    .replaceWith(Optional.of(wait.due()));
        }
        NodeStep.End end = (NodeStep.End) outcome;
        Uni<Void> arm = end.arm() == null ? Uni.createFrom().voidItem()
                : all(instances.arm(sql, instance.id(), end.arm()), event(sql, instance, JourneyEvent.Kind.ARM, nodeId, seq, end.arm(), now));
        return all(arm, instances.move(sql, instance.id(), "exited", nodeId, end.reason(), now),
                instances.step(sql, instance.id(), seq, nodeId, "exited: " + end.reason(), now),
                exited(sql, instance.profileId(), instance.journeyId(), instance.version(), instance.id(), nodeId, end.reason(), now))
                .replaceWith(Optional.<Instant>empty());
    }

    private Uni<Void> record(SqlClient sql, InstanceStore.Instance instance, String nodeId, int seq, String detail, Instant now) {
        return all(instances.step(sql, instance.id(), seq, nodeId, detail, now),
                event(sql, instance, JourneyEvent.Kind.NODE, nodeId, seq, detail, now));
    }

    /**
     * Statements that do not read each other's effects, sent together: the connection pipelines them
     * and runs them in order, so a step costs one round trip instead of one per statement.
     */
    @SafeVarargs
    private static Uni<Void> all(Uni<Void>... statements) {
        return Uni.combine().all().unis(statements).discardItems();
    }

    /** The profile entered: the journey event, in the entering transaction. */
    public Uni<Void> entered(SqlClient sql, InstanceStore.Instance instance, Instant now) {
        return event(sql, instance, JourneyEvent.Kind.ENTERED, instance.nodeId(), 0, "entered", now);
    }

    /** The goal event arrived within the window: counted once per instance. */
    public Uni<Void> goal(SqlClient sql, InstanceStore.Instance instance, String event, Instant now) {
        return event(sql, instance, JourneyEvent.Kind.GOAL, instance.nodeId(), 0, event, now);
    }

    /** An instance ended (completed, an exit event, archived): the journey event with why. */
    public Uni<Void> exited(SqlClient sql, String profileId, String journeyId, int version, String instanceId, String nodeId,
            String reason, Instant now) {
        String eventId = eventId(instanceId, "exited", 0);
        return outbox.append(sql, eventId, Topic.JOURNEY_EVENTS, profileId, EventTypes.JOURNEY_EVENT,
                new JourneyEvent(eventId, profileId, journeyId, version, instanceId, JourneyEvent.Kind.EXITED, nodeId, reason, now),
                now);
    }

    /** Ends an instance in progress at once (an exit criterion, a duplicate after a merge, a version change). */
    public Uni<Void> end(SqlClient sql, InstanceStore.Instance instance, String reason, Instant now) {
        return instances.end(sql, instance, reason, INSTANCE_WAKEUPS, now)
                .chain(() -> exited(sql, instance.profileId(), instance.journeyId(), instance.version(), instance.id(),
                        instance.nodeId(), reason, now));
    }

    private Uni<Void> event(SqlClient sql, InstanceStore.Instance instance, JourneyEvent.Kind kind, String nodeId, int seq,
            String detail, Instant now) {
        String eventId = eventId(instance.id(), kind.name() + '\n' + nodeId, seq);
        return outbox.append(sql, eventId, Topic.JOURNEY_EVENTS, instance.profileId(), EventTypes.JOURNEY_EVENT,
                new JourneyEvent(eventId, instance.profileId(), instance.journeyId(), instance.version(), instance.id(), kind,
                        nodeId, detail, now),
                now);
    }

    private static String eventId(String instanceId, String what, int seq) {
        return UUID.nameUUIDFromBytes(("event\n" + instanceId + '\n' + what + '\n' + seq).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Requests keep the id scheme they always had: (instance, node, step). */
    private static String derived(String what, String instanceId, String nodeId, int seq) {
        String base = instanceId + '\n' + nodeId + '\n' + seq;
        return UUID.nameUUIDFromBytes((what.equals("request") ? base : what + '\n' + base).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
