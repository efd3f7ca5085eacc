package io.touchpoint.gateway.recipient.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
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
import io.touchpoint.platform.wakeup.WakeupScheduler;

/**
 * Keeps the recipient projection from profile-service's change stream, one transaction per record
 * before its offset: a redelivered or older change is a no-op (the version decides), a change about
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

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        Recipient recipient = RecipientProjection.of(change);
        List<RecipientIdentifier> ids = RecipientIdentifier.of(change.identifiers());
        List<String> merged = change.mergedProfileIds() == null ? List.of() : change.mergedProfileIds();
        AtomicReference<Instant> releasedAt = new AtomicReference<>();
        return transactions.unlessErased(List.of(change.profileId()), change.occurredAt(), false, sql -> {
            releasedAt.set(null);
            Instant now = clock.instant();
            return merges.merged(sql, change.profileId()).chain(gone -> {
                if (gone) {
                    return Uni.createFrom().item(false);
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
                        .invoke(released -> {
                            if (released) {
                                releasedAt.set(now);
                            }
                        }).replaceWith(true);
            });
        }).invoke(() -> {
            Instant released = releasedAt.get();
            if (released != null) {
                scheduler.scheduled(released);
            }
        }).chain(applied -> applied ? observers.recipientChanged(recipient, ids, merged) : Uni.createFrom().voidItem());
    }
}
