package io.touchpoint.gateway.recipient.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
     * A poll in one transaction, one commit for all (platform {@link ProfileTransactions#allUnlessErased}),
     * in a handful of set-based statements (see {@link #apply}); one change per transaction
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
            return transactions.allUnlessErased(changes, ProfileChanged::profileId, ProfileChanged::occurredAt, Outcome.NONE,
                    (sql, kept) -> apply(sql, kept, now));
        }).chain(this::after);
    }

    /** One change alone, in its own transaction. */
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        return applyAll(List.of(change));
    }

    /** After the commit: the scheduler re-armed for released requests, and the observers told, profiles side by side. */
    private Uni<Void> after(List<Outcome> outcomes) {
        outcomes.stream().map(Outcome::releasedAt).filter(Objects::nonNull).max(Instant::compareTo).ifPresent(scheduler::scheduled);
        return Multi.createFrom().iterable(outcomes).filter(Outcome::applied).onItem()
                .transformToUni(o -> observers.recipientChanged(o.recipient(), o.ids(), o.merged())).merge(OBSERVED_SIDE_BY_SIDE)
                .collect().last().replaceWithVoid();
    }

    /** Profiles whose observers (the visitor cache) are told at once. */
    private static final int OBSERVED_SIDE_BY_SIDE = 16;

    /**
     * The changes in set-based statements: changes of a profile merged away (before, or by a change
     * ahead of them) are dropped, a merge's merged-away profiles are removed first, then
     * for each profile its newest change written unless a newer version is held, its identifiers
     * replaced (a change without identifiers leaves them as they are), and its requests that waited
     * for it released. Each profile's newest change answers the outcome; older ones in the same
     * poll answer none, since the newest holds everything they said.
     */
    private Uni<List<Outcome>> apply(SqlClient sql, List<ProfileChanged> changes, Instant now) {
        List<String> profiles = changes.stream().map(ProfileChanged::profileId).distinct().toList();
        return merges.mergedOf(sql, profiles).chain(mergedBefore -> {
            Set<String> gone = new HashSet<>(mergedBefore);
            Uni<Void> mergedAway = Uni.createFrom().voidItem();
            for (ProfileChanged change : changes) {
                List<String> merged = change.mergedIds();
                if (!merged.isEmpty() && !gone.contains(change.profileId())) {
                    gone.addAll(merged);
                    mergedAway = mergedAway.chain(() -> recipients.delete(sql, merged))
                            .chain(() -> memberships.delete(sql, merged))
                            .chain(() -> identifiers.delete(sql, merged).replaceWithVoid())
                            .chain(() -> merges.record(sql, merged, change.profileId(), change.occurredAt()));
                }
            }
            return mergedAway.replaceWith(gone);
        }).chain(gone -> {
            Map<String, Integer> newest = new LinkedHashMap<>();
            for (int i = 0; i < changes.size(); i++) {
                ProfileChanged change = changes.get(i);
                if (gone.contains(change.profileId())) {
                    continue;
                }
                newest.merge(change.profileId(), i, (a, b) -> changes.get(b).version() >= changes.get(a).version() ? b : a);
            }
            Map<Integer, Recipient> projected = new LinkedHashMap<>();
            Map<Integer, List<RecipientIdentifier>> identified = new HashMap<>();
            newest.values().forEach(i -> {
                projected.put(i, RecipientProjection.of(changes.get(i)));
                identified.put(i, RecipientIdentifier.of(changes.get(i).identifiers()));
            });
            return recipients.upsertAll(sql, List.copyOf(projected.values()), now).chain(stored -> {
                Map<String, List<RecipientIdentifier>> ids = new LinkedHashMap<>();
                newest.forEach((profile, i) -> {
                    if (stored.contains(profile) && identified.get(i) != null) {
                        ids.put(profile, identified.get(i));
                    }
                });
                return identifiers.replaceAll(sql, ids)
                        .chain(() -> deliveries.recipientsKnown(sql, List.copyOf(stored), now))
                        .map(released -> {
                            List<Outcome> outcomes = new ArrayList<>(Collections.nCopies(changes.size(), Outcome.NONE));
                            newest.forEach((profile, i) -> outcomes.set(i, new Outcome(projected.get(i), identified.get(i),
                                    changes.get(i).mergedIds(), true,
                                    released.contains(profile) ? now : null)));
                            return outcomes;
                        });
            });
        });
    }
}
