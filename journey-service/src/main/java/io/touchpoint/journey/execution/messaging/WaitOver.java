package io.touchpoint.journey.execution.messaging;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.definition.domain.Journey;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.domain.ActiveJourneys;
import io.touchpoint.journey.execution.domain.JourneyRunner;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.wakeup.Wakeup;
import io.touchpoint.platform.wakeup.WakeupHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A journey wait fell due: the instance goes on from the wait's next node (a wait for an event from
 * its timed-out edge), in the transaction that removes the wake-up. An instance of a paused journey
 * is held where it is; resuming releases it.
 */
@ApplicationScoped
public class WaitOver implements WakeupHandler {

    private final Clock clock;
    private final ActiveJourneys journeys;
    private final InstanceStore instances;
    private final JourneyRunner runner;

    WaitOver(Clock clock, ActiveJourneys journeys, InstanceStore instances, JourneyRunner runner) {
        this.clock = clock;
        this.journeys = journeys;
        this.instances = instances;
        this.runner = runner;
    }

    @Override
    public String kind() {
        return JourneyRunner.WAIT;
    }

    @Override
    public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
        return goOn(sql, wakeup, false);
    }

    /** An instance held at its start node (a broadcast in recipient time): it runs from that node. */
    @ApplicationScoped
    public static class StartOver implements WakeupHandler {
        private final WaitOver waits;

        StartOver(WaitOver waits) {
            this.waits = waits;
        }

        @Override
        public String kind() {
            return JourneyRunner.START;
        }

        @Override
        public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
            return waits.goOn(sql, wakeup, true);
        }
    }

    Uni<Void> goOn(SqlClient sql, Wakeup wakeup, boolean fromHere) {
        Instant now = clock.instant();
        return instances.lockWithJourneyState(sql, wakeup.key()).chain(found -> {
            if (found.isEmpty() || !found.get().instance().state().equals("waiting")) {
                return Uni.createFrom().voidItem();
            }
            var instance = found.get().instance();
            String state = found.get().journeyState();
            if (state.equals(Journey.PAUSED)) {
                return instances.move(sql, instance.id(), "held", instance.nodeId(), null, now);
            }
            if (state.equals(Journey.ARCHIVED)) {
                return instances.move(sql, instance.id(), "exited", instance.nodeId(), "archived", now);
            }
            return journeys.version(sql, instance.journeyId(), instance.version()).chain(graph -> {
                JourneyGraph.Node node = graph.node(instance.nodeId());
                String next;
                if (node == null) {
                    return instances.move(sql, instance.id(), "exited", instance.nodeId(), "its node is gone", now);
                } else if (fromHere || !node.waits()) {
                    // Held at a node that does not wait (a broadcast's start, a resumed hold): it runs from there.
                    next = node.id();
                } else if (node instanceof JourneyGraph.Wait w) {
                    next = w.next();
                } else if (node instanceof JourneyGraph.WaitUntil w) {
                    next = w.next();
                } else {
                    next = ((JourneyGraph.WaitForEvent) node).timeoutNext();
                }
                Uni<Void> timedOut = node instanceof JourneyGraph.WaitForEvent w && !fromHere
                        ? instances.nextSeq(sql, instance.id()).chain(seq -> instances.step(sql, instance.id(), seq, w.id(),
                                w.event() + " did not arrive: timed out", now))
                        : Uni.createFrom().voidItem();
                return timedOut.chain(() -> runner.run(sql, instance, graph, next, now)).replaceWithVoid();
            });
        });
    }
}
