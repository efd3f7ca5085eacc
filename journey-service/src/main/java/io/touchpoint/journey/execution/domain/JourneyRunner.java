package io.touchpoint.journey.execution.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.outbox.OutboxStore;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Moves an instance through its version's nodes, inside the caller's transaction, until it waits or
 * exits: every step, the instance's new place, the outbox record of every message request and the
 * journey events analytics counts (entered, node reached, exited with why) commit together. A request's id is derived from (instance, node, step), so a redelivery, a crash or a
 * second replica can never ask the gateway twice for the same message.
 */
@ApplicationScoped
public class JourneyRunner {

    /** The wake-up kind of journey waits; the key is the instance id. */
    public static final String WAIT = "journey-wait";
    /** A definition is validated against loops without waits; this only bounds a bug. */
    private static final int MAX_STEPS_AT_ONCE = 1000;

    private final InstanceStore instances;
    private final OutboxStore outbox;
    private final WakeupStore wakeups;

    JourneyRunner(InstanceStore instances, OutboxStore outbox, WakeupStore wakeups) {
        this.instances = instances;
        this.outbox = outbox;
        this.wakeups = wakeups;
    }

    /** @return when the instance wakes up next, if it now waits */
    public Uni<Optional<Instant>> run(SqlClient sql, InstanceStore.Instance instance, JourneyGraph graph, String from,
            Instant now) {
        return instances.nextSeq(sql, instance.id()).chain(seq -> step(sql, instance, graph, from, seq, 0, now));
    }

    private Uni<Optional<Instant>> step(SqlClient sql, InstanceStore.Instance instance, JourneyGraph graph, String nodeId,
            int seq, int taken, Instant now) {
        if (taken >= MAX_STEPS_AT_ONCE) {
            return instances.move(sql, instance.id(), "exited", nodeId, "too many steps at once", now)
                    .replaceWith(Optional.empty());
        }
        JourneyGraph.Node node = graph.node(nodeId);
        if (node instanceof JourneyGraph.Send send) {
            String requestId = requestId(instance.id(), nodeId, seq);
            var request = new MessageRequested(requestId, instance.profileId(), instance.journeyId(), nodeId,
                    send.channel(), send.template(), send.topic(), send.transactional(), Map.of(), now);
            return outbox.append(sql, requestId, Topic.MESSAGE_REQUESTS, instance.profileId(), EventTypes.MESSAGE_REQUESTED,
                    request, now)
                    .chain(() -> instances.step(sql, instance.id(), seq, nodeId, "message requested " + requestId, now))
                    .chain(() -> event(sql, instance, JourneyEvent.Kind.NODE, nodeId, seq, "message requested " + requestId, now))
                    .chain(() -> step(sql, instance, graph, send.next(), seq + 1, taken + 1, now));
        }
        if (node instanceof JourneyGraph.Wait wait) {
            Instant due = now.plus(wait.duration());
            return wakeups.schedule(sql, WAIT, instance.id(), due, null)
                    .chain(() -> instances.move(sql, instance.id(), "waiting", nodeId, null, now))
                    .chain(() -> instances.step(sql, instance.id(), seq, nodeId, "waiting until " + due, now))
                    .chain(() -> event(sql, instance, JourneyEvent.Kind.NODE, nodeId, seq, "waiting until " + due, now))
                    .replaceWith(Optional.of(due));
        }
        return instances.move(sql, instance.id(), "exited", nodeId, "completed", now)
                .chain(() -> instances.step(sql, instance.id(), seq, nodeId, "exited: completed", now))
                .chain(() -> exited(sql, instance.profileId(), instance.journeyId(), instance.version(), instance.id(), nodeId,
                        "completed", now))
                .replaceWith(Optional.<Instant>empty());
    }

    /** The profile entered: the journey event, in the entering transaction. */
    public Uni<Void> entered(SqlClient sql, InstanceStore.Instance instance, Instant now) {
        return event(sql, instance, JourneyEvent.Kind.ENTERED, instance.nodeId(), 0, "entered", now);
    }

    /** An instance ended (completed, an exit event, archived): the journey event with why. */
    public Uni<Void> exited(SqlClient sql, String profileId, String journeyId, int version, String instanceId, String nodeId,
            String reason, Instant now) {
        String eventId = derived(instanceId, "exited", 0);
        return outbox.append(sql, eventId, Topic.JOURNEY_EVENTS, profileId, EventTypes.JOURNEY_EVENT,
                new JourneyEvent(eventId, profileId, journeyId, version, instanceId, JourneyEvent.Kind.EXITED, nodeId, reason, now),
                now);
    }

    private Uni<Void> event(SqlClient sql, InstanceStore.Instance instance, JourneyEvent.Kind kind, String nodeId, int seq,
            String detail, Instant now) {
        String eventId = derived(instance.id(), kind.name() + '\n' + nodeId, seq);
        return outbox.append(sql, eventId, Topic.JOURNEY_EVENTS, instance.profileId(), EventTypes.JOURNEY_EVENT,
                new JourneyEvent(eventId, instance.profileId(), instance.journeyId(), instance.version(), instance.id(), kind,
                        nodeId, detail, now),
                now);
    }

    private static String derived(String instanceId, String what, int seq) {
        return UUID.nameUUIDFromBytes(("event\n" + instanceId + '\n' + what + '\n' + seq).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static String requestId(String instanceId, String nodeId, int seq) {
        return UUID.nameUUIDFromBytes((instanceId + '\n' + nodeId + '\n' + seq).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
