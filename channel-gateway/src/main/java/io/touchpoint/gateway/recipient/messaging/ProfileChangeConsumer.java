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
import io.touchpoint.gateway.recipient.domain.RecipientProjection;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.erasure.ProfileTransactions;
import io.touchpoint.platform.wakeup.WakeupScheduler;

/**
 * Keeps the recipient projection from profile-service's change stream, one transaction per record
 * before its offset: a redelivered or older change is a no-op (the version decides), a change about
 * an erased person that predates the erasure is dropped, and profiles merged into the changed one
 * are removed, since their consent and addresses now live on the survivor. Message requests that
 * arrived before the profile (deferred as recipient-unknown) are decided at once, not at their next retry.
 */
@ApplicationScoped
public class ProfileChangeConsumer {


    private final ProfileTransactions transactions;
    private final Clock clock;
    private final RecipientStore recipients;
    private final Deliveries deliveries;
    private final WakeupScheduler scheduler;

    ProfileChangeConsumer(ProfileTransactions transactions, Clock clock, RecipientStore recipients, Deliveries deliveries,
            WakeupScheduler scheduler) {
        this.transactions = transactions;
        this.clock = clock;
        this.recipients = recipients;
        this.deliveries = deliveries;
        this.scheduler = scheduler;
    }

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        Recipient recipient = RecipientProjection.of(change);
        AtomicReference<Instant> releasedAt = new AtomicReference<>();
        return transactions.unlessErased(List.of(change.profileId()), change.occurredAt(), (Void) null, sql -> {
            releasedAt.set(null);
            Uni<Void> merged = change.mergedProfileIds() == null || change.mergedProfileIds().isEmpty()
                    ? Uni.createFrom().voidItem()
                    : recipients.delete(sql, change.mergedProfileIds());
            Instant now = clock.instant();
            return merged.chain(() -> recipients.upsert(sql, recipient, now))
                    .chain(written -> written ? deliveries.recipientKnown(sql, change.profileId(), now)
                            : Uni.createFrom().item(false))
                    .invoke(released -> {
                        if (released) {
                            releasedAt.set(now);
                        }
                    }).replaceWithVoid();
        }).invoke(() -> {
            Instant released = releasedAt.get();
            if (released != null) {
                scheduler.scheduled(released);
            }
        });
    }
}
