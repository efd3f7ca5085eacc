package io.touchpoint.journey.execution.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.journey.definition.domain.Journey;
import io.touchpoint.journey.execution.domain.ActiveJourneys;
import io.touchpoint.journey.execution.domain.JourneyRunner;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Enters profiles into journeys the moment profile-service applies the interaction that triggers
 * them (the change event carries it), and ends their instances on a journey's exit event, at once,
 * whatever they wait for. The trigger, the exit event and the audience are evaluated with the shared
 * condition language; exits, entries, the first steps and their message requests commit in one
 * transaction before the offset. A redelivered change finds it all done and changes nothing.
 */
@ApplicationScoped
public class TriggerConsumer {

    private static final Logger LOG = Logger.getLogger(TriggerConsumer.class);
    /** The entry key of a journey that is not keyed: one instance per profile. */
    private static final String NO_KEY = "";

    private final Pool pool;
    private final Clock clock;
    private final ActiveJourneys journeys;
    private final InstanceStore instances;
    private final JourneyRunner runner;
    private final ErasedIdentities erased;
    private final OutboxRelay relay;
    private final WakeupScheduler scheduler;

    TriggerConsumer(Pool pool, Clock clock, ActiveJourneys journeys, InstanceStore instances, JourneyRunner runner,
            ErasedIdentities erased, OutboxRelay relay, WakeupScheduler scheduler) {
        this.pool = pool;
        this.clock = clock;
        this.journeys = journeys;
        this.instances = instances;
        this.runner = runner;
        this.erased = erased;
        this.relay = relay;
        this.scheduler = scheduler;
    }

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        if (change.trigger() == null || change.trigger().event() == null) {
            return Uni.createFrom().voidItem();
        }
        Instant now = clock.instant();
        var facts = new ConditionEvaluator.Facts(change.profileId(), nonNull(change.traits()), nonNull(change.computed()),
                change.consents() == null ? List.of() : change.consents(),
                List.of(new ConditionEvaluator.LoggedEvent(change.trigger().event(),
                        change.trigger().timestamp() == null ? now : change.trigger().timestamp(),
                        nonNull(change.trigger().properties()))),
                Set.of());
        String event = change.trigger().event();
        // An exit event ends the profile's instances first: the same event may also enter it anew elsewhere.
        List<ActiveJourneys.Published> leaving = journeys.published().stream()
                .filter(j -> j.graph().exitOn() != null && j.graph().exitOn().event().equals(event))
                .filter(j -> ConditionEvaluator.matches(j.graph().exitOn().match(), facts, now))
                .toList();
        List<ActiveJourneys.Published> entering = journeys.published().stream()
                .filter(j -> j.state().equals(Journey.ACTIVE))
                .filter(j -> j.graph().trigger().event().equals(event))
                .filter(j -> ConditionEvaluator.matches(j.graph().trigger().match(), facts, now))
                .filter(j -> j.graph().audience() == null || ConditionEvaluator.matches(j.graph().audience(), facts, now))
                .toList();
        if (entering.isEmpty() && leaving.isEmpty()) {
            LOG.debugf("%s of profile %s enters and ends no journey (%d published)", event, change.profileId(),
                    journeys.published().size());
            return Uni.createFrom().voidItem();
        }
        List<Instant> dues = new ArrayList<>();
        return Uni.createFrom().deferred(() -> {
            dues.clear();
            return pool.withTransaction(sql -> erased.erasedAt(sql, ErasedIdentities.profiles(List.of(change.profileId())))
                    .chain(erasedAt -> {
                        if (ErasedIdentities.stale(erasedAt, ErasedIdentities.profiles(List.of(change.profileId())),
                                change.occurredAt())) {
                            LOG.debugf("profile %s was erased; its trigger is dropped", change.profileId());
                            return Uni.createFrom().voidItem();
                        }
                        Uni<Void> all = Uni.createFrom().voidItem();
                        for (ActiveJourneys.Published journey : leaving) {
                            String reason = "exit event " + event;
                            all = all.chain(() -> instances.exitProfile(sql, journey.journeyId(), change.profileId(), reason,
                                    JourneyRunner.WAIT, now).chain(ended -> {
                                        Uni<Void> events = Uni.createFrom().voidItem();
                                        for (InstanceStore.Ended e : ended) {
                                            events = events.chain(() -> runner.exited(sql, e.profileId(), journey.journeyId(),
                                                    e.version(), e.instanceId(), e.nodeId(), reason, now));
                                        }
                                        return events;
                                    }));
                        }
                        for (ActiveJourneys.Published journey : entering) {
                            String key = entryKey(journey, change);
                            if (key == null) {
                                LOG.debugf("%s of profile %s has no %s; journey %s is keyed by it", event, change.profileId(),
                                        journey.graph().entry().key(), journey.journeyId());
                                continue;
                            }
                            all = all.chain(() -> instances.enter(sql, UUID.randomUUID().toString(), journey.journeyId(),
                                    journey.version(), change.profileId(), key, triggerId(change), journey.graph().entry(),
                                    journey.graph().start(), now)
                                    .invoke(entered -> LOG.debugf("profile %s %s journey %s v%d", change.profileId(),
                                            entered.isPresent() ? "entered" : "is already in", journey.journeyId(), journey.version()))
                                    .chain(entered -> entered.isEmpty() ? Uni.createFrom().voidItem()
                                            : runner.entered(sql, entered.get(), now).chain(() ->
                                                    runner.run(sql, entered.get(), journey.graph(), journey.graph().start(), now))
                                                    .invoke(due -> due.ifPresent(dues::add)).replaceWithVoid()));
                        }
                        return all;
                    }));
        })
                .onFailure(Transactions::retryable).retry().atMost(3)
                .invoke(() -> {
                    relay.kick();
                    dues.forEach(scheduler::scheduled);
                });
    }

    /** The value of the journey's key property in the trigger, {@link #NO_KEY} if unkeyed, null when it is missing. */
    private static String entryKey(ActiveJourneys.Published journey, ProfileChanged change) {
        String property = journey.graph().entry().key();
        if (property == null) {
            return NO_KEY;
        }
        Object value = change.trigger().properties() == null ? null : change.trigger().properties().get(property);
        return value == null ? null : String.valueOf(value);
    }

    /** What makes a trigger the same when it comes again: the interaction's source and message id. */
    private static String triggerId(ProfileChanged change) {
        var trigger = change.trigger();
        return trigger.messageId() != null ? trigger.sourceId() + '\n' + trigger.messageId()
                : change.profileId() + '\n' + change.version();
    }

    private static Map<String, Object> nonNull(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }

}
