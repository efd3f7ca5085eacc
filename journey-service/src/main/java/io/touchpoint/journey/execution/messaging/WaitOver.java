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
 * A journey wait fell due: the instance goes on from the wait's next node, in the transaction that
 * removes the wake-up. An instance of a paused journey is held where it is; resuming releases it.
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
        Instant now = clock.instant();
        return instances.lock(sql, wakeup.key()).chain(found -> {
            if (found.isEmpty() || !found.get().state().equals("waiting")) {
                return Uni.createFrom().voidItem();
            }
            var instance = found.get();
            return journeys.state(sql, instance.journeyId()).chain(state -> {
                if (state.equals(Journey.PAUSED)) {
                    return instances.move(sql, instance.id(), "held", instance.nodeId(), null, now);
                }
                if (state.equals(Journey.ARCHIVED)) {
                    return instances.move(sql, instance.id(), "exited", instance.nodeId(), "archived", now);
                }
                return journeys.version(sql, instance.journeyId(), instance.version()).chain(graph -> {
                    if (!(graph.node(instance.nodeId()) instanceof JourneyGraph.Wait wait)) {
                        return instances.move(sql, instance.id(), "exited", instance.nodeId(), "not at a wait", now);
                    }
                    return runner.run(sql, instance, graph, wait.next(), now).replaceWithVoid();
                });
            });
        });
    }
}
