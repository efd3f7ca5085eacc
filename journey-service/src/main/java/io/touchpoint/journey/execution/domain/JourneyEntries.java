package io.touchpoint.journey.execution.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Enters one profile into one journey, whatever triggered it (an event, a segment, a schedule, a
 * date, the API): the audience, the entry key and the re-entry rule decide, then the instance runs
 * its first steps in the same transaction. {@code triggerId} names the trigger so that it enters
 * nobody twice, however often it is delivered.
 */
@ApplicationScoped
public class JourneyEntries {

    private static final Logger LOG = Logger.getLogger(JourneyEntries.class);
    /** The entry key of a journey that is not keyed: one instance per profile. */
    public static final String NO_KEY = "";

    private final InstanceStore instances;
    private final JourneyRunner runner;

    JourneyEntries(InstanceStore instances, JourneyRunner runner) {
        this.instances = instances;
        this.runner = runner;
    }

    /**
     * @param holdUntil when set, the instance waits at its start node until then (a local-time broadcast)
     * @param dues collects when instances now wait until, for the scheduler
     */
    public Uni<Optional<InstanceStore.Instance>> enter(SqlClient sql, ActiveJourneys.Published journey, NodeStep.Subject subject,
            String triggerId, Map<String, Object> payload, Instant holdUntil, Instant now, Consumer<Instant> dues) {
        var graph = journey.graph();
        String profileId = subject.facts().profileId();
        if (graph.audience() != null
                && !ConditionEvaluator.matches(graph.audience(), subject.facts().withEntry(payload), now)) {
            LOG.debugf("profile %s is not in the audience of journey %s", profileId, journey.journeyId());
            return Uni.createFrom().item(Optional.empty());
        }
        String key = NO_KEY;
        if (graph.entry().key() != null) {
            Object value = payload == null ? null : payload.get(graph.entry().key());
            if (value == null) {
                LOG.debugf("profile %s has no %s; journey %s is keyed by it", profileId, graph.entry().key(), journey.journeyId());
                return Uni.createFrom().item(Optional.empty());
            }
            key = String.valueOf(value);
        }
        return instances.enter(sql, UUID.randomUUID().toString(), journey.journeyId(), journey.version(), profileId, key,
                triggerId, graph.entry(), graph.start(), payload == null ? Map.of() : payload, now)
                .invoke(entered -> LOG.debugf("profile %s %s journey %s v%d", profileId,
                        entered.isPresent() ? "entered" : "did not enter", journey.journeyId(), journey.version()))
                .call(entered -> entered.isEmpty() ? Uni.createFrom().voidItem()
                        : runner.entered(sql, entered.get(), now).chain(() -> holdUntil != null && holdUntil.isAfter(now)
                                ? runner.holdUntil(sql, entered.get(), holdUntil, now)
                                : runner.runNew(sql, entered.get(), graph, subject, now))
                                .invoke(due -> due.ifPresent(dues)).replaceWithVoid());
    }
}
