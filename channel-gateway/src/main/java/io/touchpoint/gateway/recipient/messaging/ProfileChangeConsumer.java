package io.touchpoint.gateway.recipient.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.gateway.delivery.domain.Deliveries;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.domain.RecipientIdentifier;
import io.touchpoint.gateway.recipient.domain.RecipientObservers;
import io.touchpoint.gateway.recipient.domain.RecipientProjection;
import io.touchpoint.gateway.recipient.store.IdentifierStore;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.MergeStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.erasure.ProfileTransactions;
import io.touchpoint.platform.messaging.PollBatches;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Keeps the recipient projection from profile-service's change stream, a poll per transaction
 * before its offsets: a redelivered or older change is a no-op (the version decides), a change about
 * an erased person that predates the erasure is dropped, and profiles merged into the changed one
 * are removed, since their consent, addresses, memberships and identifiers now live on the
 * survivor; a change of a merged-away profile that comes later (from its own partition, or
 * replayed) is ignored. The profile's userIds and anonymousIds are kept with it. Message requests
 * that arrived before the profile (deferred as recipient-unknown) are decided at once, not at their
 * next retry. After the commit the {@link RecipientObservers} follow.
 */
@ApplicationScoped
public class ProfileChangeConsumer {

    private final ProfileTransactions transactions;
    private final Clock clock;
    private final RecipientStore recipients;
    private final IdentifierStore identifiers;
    private final MembershipStore memberships;
    private final MergeStore merges;
    private final Deliveries deliveries;
    private final WakeupScheduler scheduler;
    private final RecipientObservers observers;

    ProfileChangeConsumer(ProfileTransactions transactions, Clock clock, RecipientStore recipients, IdentifierStore identifiers,
            MembershipStore memberships, MergeStore merges, Deliveries deliveries, WakeupScheduler scheduler,
            RecipientObservers observers) {
        this.transactions = transactions;
        this.clock = clock;
        this.recipients = recipients;
        this.identifiers = identifiers;
        this.memberships = memberships;
        this.merges = merges;
        this.deliveries = deliveries;
        this.scheduler = scheduler;
        this.observers = observers;
    }

    /**
     * A poll in one transaction, one commit for all (platform {@link ProfileTransactions#eachUnlessErased}:
     * one profile's changes in order, different profiles' side by side); one change per transaction
     * took in about 190 a second, so a list of 100,000 new recipients was known nine minutes later. A
     * poll holding a merge (which writes other profiles than its own), one that cannot be applied as a
     * whole, or one with an unreadable record is applied one change per transaction; a change that
     * still fails goes to the dead-letter topic on its own (platform {@link PollBatches}).
     */
    @Incoming("profile-changes")
    public Uni<Void> onProfileChanges(KafkaRecordBatch<String, ProfileChanged> batch) {
        return PollBatches.settle(batch, changes -> changes.size() > 1
                && changes.stream().noneMatch(ProfileChanged::mergesOthers),
                this::applyAll, this::onProfileChanged);
    }

    /** What a change did, acted on after the commit. */
    private record Outcome(Recipient recipient, List<RecipientIdentifier> ids, List<String> merged, boolean applied,
            Instant releasedAt) {
        static final Outcome NONE = new Outcome(null, null, List.of(), false, null);
    }

    private Uni<Void> applyAll(List<ProfileChanged> changes) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return transactions.eachUnlessErased(changes, ProfileChanged::profileId, ProfileChanged::occurredAt, Outcome.NONE,
                    (sql, change) -> apply(sql, change, now));
        }).chain(outcomes -> {
            outcomes.stream().map(Outcome::releasedAt).filter(java.util.Objects::nonNull).max(Instant::compareTo)
                    .ifPresent(scheduler::scheduled);
            return Multi.createFrom().iterable(outcomes).filter(Outcome::applied).onItem()
                    .transformToUniAndConcatenate(o -> observers.recipientChanged(o.recipient(), o.ids(), o.merged()))
                    .collect().asList().replaceWithVoid();
        });
    }

    /** One change alone, in its own transaction. */
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return transactions.unlessErased(List.of(change.profileId()), change.occurredAt(), Outcome.NONE,
                    sql -> apply(sql, change, now));
        }).chain(outcome -> {
            if (outcome.releasedAt() != null) {
                scheduler.scheduled(outcome.releasedAt());
            }
            return outcome.applied() ? observers.recipientChanged(outcome.recipient(), outcome.ids(), outcome.merged())
                    : Uni.createFrom().voidItem();
        });
    }

    private Uni<Outcome> apply(SqlClient sql, ProfileChanged change, Instant now) {
        Recipient recipient = RecipientProjection.of(change);
        List<RecipientIdentifier> ids = RecipientIdentifier.of(change.identifiers());
        List<String> merged = change.mergedIds();
        return merges.merged(sql, change.profileId()).chain(gone -> {
            if (gone) {
                return Uni.createFrom().item(Outcome.NONE);
            }
            Uni<Void> mergedAway = merged.isEmpty() ? Uni.createFrom().voidItem()
                    : recipients.delete(sql, merged)
                            .chain(() -> memberships.delete(sql, merged))
                            .chain(() -> identifiers.delete(sql, merged))
                            .chain(() -> merges.record(sql, merged, change.profileId(), change.occurredAt()));
            return mergedAway.chain(() -> recipients.upsert(sql, recipient, now))
                    .call(written -> written && ids != null ? identifiers.replace(sql, change.profileId(), ids)
                            : Uni.createFrom().voidItem())
                    .chain(written -> written ? deliveries.recipientKnown(sql, change.profileId(), now)
                            : Uni.createFrom().item(false))
                    .map(released -> new Outcome(recipient, ids, merged, true, released ? now : null));
        });
    }
}
