package io.touchpoint.gateway.recipient.messaging;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.domain.RecipientProjection;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Keeps the recipient projection from profile-service's change stream, one transaction per record
 * before its offset: a redelivered or older change is a no-op (the version decides), a change about
 * an erased person that predates the erasure is dropped, and profiles merged into the changed one
 * are removed, since their consent and addresses now live on the survivor.
 */
@ApplicationScoped
public class ProfileChangeConsumer {

    private static final Logger LOG = Logger.getLogger(ProfileChangeConsumer.class);

    private final Pool pool;
    private final Clock clock;
    private final RecipientStore recipients;
    private final ErasedIdentities erased;

    ProfileChangeConsumer(Pool pool, Clock clock, RecipientStore recipients, ErasedIdentities erased) {
        this.pool = pool;
        this.clock = clock;
        this.recipients = recipients;
        this.erased = erased;
    }

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        Recipient recipient = RecipientProjection.of(change);
        var about = ErasedIdentities.profiles(List.of(change.profileId()));
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> erased.erasedAt(sql, about).chain(erasedAt -> {
            if (ErasedIdentities.stale(erasedAt, about, change.occurredAt())) {
                LOG.debugf("profile %s was erased; its change v%d is dropped", change.profileId(), change.version());
                return Uni.createFrom().voidItem();
            }
            Uni<Void> merged = change.mergedProfileIds() == null || change.mergedProfileIds().isEmpty()
                    ? Uni.createFrom().voidItem()
                    : recipients.delete(sql, change.mergedProfileIds());
            return merged.chain(() -> recipients.upsert(sql, recipient, clock.instant())).replaceWithVoid();
        }))).onFailure(Transactions::retryable).retry().atMost(3);
    }
}
