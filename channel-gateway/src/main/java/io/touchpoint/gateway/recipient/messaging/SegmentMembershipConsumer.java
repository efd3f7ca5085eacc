package io.touchpoint.gateway.recipient.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.gateway.recipient.domain.RecipientObservers;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.MergeStore;
import io.touchpoint.platform.erasure.ProfileTransactions;

/**
 * Keeps each recipient's segment memberships from segmentation-service's stream, one transaction
 * per record before its offset: a change recorded again, or older than the one held for that
 * profile and segment, changes nothing; one about an erased person that predates the erasure, or
 * about a profile merged into another, is dropped. Templates and on-site content read them.
 */
@ApplicationScoped
public class SegmentMembershipConsumer {

    private final ProfileTransactions transactions;
    private final MembershipStore memberships;
    private final MergeStore merges;
    private final RecipientObservers observers;

    SegmentMembershipConsumer(ProfileTransactions transactions, MembershipStore memberships, MergeStore merges,
            RecipientObservers observers) {
        this.transactions = transactions;
        this.memberships = memberships;
        this.merges = merges;
        this.observers = observers;
    }

    @Incoming("segment-memberships")
    public Uni<Void> onMembershipChanged(SegmentMembershipChanged change) {
        return transactions.unlessErased(List.of(change.profileId()), change.at(), false,
                sql -> merges.merged(sql, change.profileId()).chain(gone -> gone ? Uni.createFrom().item(false)
                        : memberships.apply(sql, change.profileId(), change.segmentId(), change.entered(), change.at())
                                .replaceWith(true)))
                .chain(applied -> applied
                        ? observers.membershipChanged(change.profileId(), change.segmentId(), change.entered(), change.at())
                        : Uni.createFrom().voidItem());
    }
}
