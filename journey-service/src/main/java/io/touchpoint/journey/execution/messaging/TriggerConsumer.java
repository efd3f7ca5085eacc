package io.touchpoint.journey.execution.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.journey.execution.domain.NodeStep;
import io.touchpoint.journey.execution.domain.ProfileReactions;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.touchpoint.platform.erasure.ProfileTransactions;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Answers the two streams journeys listen to, each record in one transaction before its offset:
 * profile-service's changes (which carry the interaction behind them: entries, exit events, awaited
 * events, goals, merges, date moments) and segmentation's membership transitions (segment entries and
 * exits). Each first updates the journey's own copy of the profile; a record that brings nothing
 * newer than that copy (a redelivery, a replay) changes nothing else either.
 */
@ApplicationScoped
public class TriggerConsumer {

    private static final Logger LOG = Logger.getLogger(TriggerConsumer.class);

    private final ProfileTransactions transactions;
    private final Clock clock;
    private final ProfileFactStore profiles;
    private final ProfileReactions reactions;
    private final OutboxRelay relay;
    private final WakeupScheduler scheduler;

    TriggerConsumer(ProfileTransactions transactions, Clock clock, ProfileFactStore profiles, ProfileReactions reactions,
            OutboxRelay relay, WakeupScheduler scheduler) {
        this.transactions = transactions;
        this.clock = clock;
        this.profiles = profiles;
        this.reactions = reactions;
        this.relay = relay;
        this.scheduler = scheduler;
    }

    /**
     * A poll of profile changes in one transaction, one commit for all: one profile's changes in
     * order, different profiles' side by side (their statements pipelined on the connection). One
     * change per transaction, one at a time, was what queued tracked events in front of journeys at
     * 50 a second. A batch that fails is applied again one change per transaction, so a bad change
     * holds up only itself.
     */
    @Incoming("profile-changes")
    public Uni<Void> onProfileChanged(List<ProfileChanged> changes) {
        List<Instant> dues = Collections.synchronizedList(new ArrayList<>());
        Uni<Void> applied = transactions.eachUnlessErased(changes, ProfileChanged::profileId, ProfileChanged::occurredAt, Boolean.FALSE,
                (sql, change) -> changed(sql, change, clock.instant(), dues::add).replaceWith(Boolean.TRUE))
                .invoke(() -> {
                    relay.kick();
                    dues.forEach(scheduler::scheduled);
                }).replaceWithVoid();
        if (changes.size() > 1) {
            applied = applied.onFailure().recoverWithUni(e -> {
                LOG.warnf(e, "a batch of %d profile changes failed; applying them one at a time", changes.size());
                return Multi.createFrom().iterable(changes).onItem()
                        .transformToUniAndConcatenate(change -> inTransaction(change.profileId(), change.occurredAt(),
                                (sql, now, each) -> changed(sql, change, now, each)))
                        .collect().asList().replaceWithVoid();
            });
        }
        return applied;
    }

    private Uni<Void> changed(SqlClient sql, ProfileChanged change, Instant now, Consumer<Instant> dues) {
        return profiles.apply(sql, change, now)
                .chain(newer -> {
                    if (!newer) {
                        LOG.debugf("change %d of profile %s is not newer than the one applied; skipped", change.version(),
                                change.profileId());
                        return Uni.createFrom().voidItem();
                    }
                    List<String> merged = change.mergedIds();
                    Uni<Void> merges = merged.isEmpty() ? Uni.createFrom().voidItem()
                            : reactions.merged(sql, merged, change.profileId(), now).chain(() -> profiles.forget(sql, merged));
                    return merges.chain(() -> profiles.memberships(sql, change.profileId())).chain(memberships -> {
                        NodeStep.Subject subject = ProfileFactStore.subjectOf(change, memberships, now);
                        var trigger = change.trigger();
                        String event = trigger == null ? null : trigger.event();
                        Map<String, Object> properties = trigger == null || trigger.properties() == null ? Map.of()
                                : trigger.properties();
                        return reactions.react(sql, new ProfileReactions.Change(subject, event, properties, null, null,
                                triggerId(change)), now, dues);
                    });
                });
    }

    @Incoming("segment-memberships")
    public Uni<Void> onMembershipChanged(SegmentMembershipChanged change) {
        return inTransaction(change.profileId(), change.at(), (sql, now, dues) -> profiles
                .membership(sql, change.profileId(), change.segmentId(), change.entered(), change.at())
                .chain(news -> !news ? Uni.createFrom().voidItem() : profiles.load(sql, change.profileId())
                        .chain(stored -> stored.isPresent() ? Uni.createFrom().item(stored.get())
                                // The two streams are not ordered with each other: segmentation may be first to speak of a
                                // profile. Its transition still counts, on what is known of the profile so far.
                                : profiles.memberships(sql, change.profileId()).map(m -> new NodeStep.Subject(
                                        new io.touchpoint.conditions.ConditionEvaluator.Facts(change.profileId(), Map.of(), Map.of(),
                                                List.of(), List.of(), m), Map.of())))
                        .chain(subject -> {
                            String triggerId = "segment\n" + change.segmentId() + '\n' + change.entered() + '\n' + change.at();
                            return reactions.react(sql, new ProfileReactions.Change(subject, null, Map.of(), change.segmentId(),
                                    change.entered(), triggerId), now, dues);
                        })));
    }

    private interface Work {
        Uni<Void> run(SqlClient sql, Instant now, Consumer<Instant> dues);
    }

    /** The work in one transaction, unless the profile was erased after the record happened; then the relay and the scheduler. */
    private Uni<Void> inTransaction(String profileId, Instant occurredAt, Work work) {
        List<Instant> dues = new ArrayList<>();
        return transactions.unlessErased(List.of(profileId), occurredAt, null, sql -> {
            dues.clear();
            return work.run(sql, clock.instant(), dues::add);
        }).invoke(() -> {
            relay.kick();
            dues.forEach(scheduler::scheduled);
        }).replaceWithVoid();
    }

    /** What makes a trigger the same when it comes again: the interaction's source and message id. */
    private static String triggerId(ProfileChanged change) {
        var trigger = change.trigger();
        return trigger != null && trigger.messageId() != null ? trigger.sourceId() + '\n' + trigger.messageId()
                : change.profileId() + '\n' + change.version();
    }
}
