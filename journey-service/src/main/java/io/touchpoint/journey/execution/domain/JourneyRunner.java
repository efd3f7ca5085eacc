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
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.outbox.OutboxStore;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Moves an instance through its version's nodes, inside the caller's transaction, until it waits or
 * exits: every step, the instance's new place and the outbox record of every message request commit
 * together. A request's id is derived from (instance, node, step), so a redelivery, a crash or a
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
                    .chain(() -> step(sql, instance, graph, send.next(), seq + 1, taken + 1, now));
        }
        if (node instanceof JourneyGraph.Wait wait) {
            Instant due = now.plus(wait.duration());
            return wakeups.schedule(sql, WAIT, instance.id(), due, null)
                    .chain(() -> instances.move(sql, instance.id(), "waiting", nodeId, null, now))
                    .chain(() -> instances.step(sql, instance.id(), seq, nodeId, "waiting until " + due, now))
                    .replaceWith(Optional.of(due));
        }
        return instances.move(sql, instance.id(), "exited", nodeId, "completed", now)
                .chain(() -> instances.step(sql, instance.id(), seq, nodeId, "exited: completed", now))
                .replaceWith(Optional.<Instant>empty());
    }

    static String requestId(String instanceId, String nodeId, int seq) {
        return UUID.nameUUIDFromBytes((instanceId + '\n' + nodeId + '\n' + seq).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
