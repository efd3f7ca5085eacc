package io.touchpoint.platform.erasure;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.platform.outbox.OutboxStore;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Obeys GDPR erasures in every service: the receipt, the erased identities and the service's own
 * deletes ({@link ErasureHandler}) commit in one transaction, and the offset is committed only
 * after it, so a crash redelivers and the redelivery is a no-op.
 */
@ApplicationScoped
public class ErasureConsumer {

    private static final Logger LOG = Logger.getLogger(ErasureConsumer.class);

    private final Pool pool;
    private final Clock clock;
    private final ErasureReceiptStore receipts;
    private final ErasedIdentities erased;
    private final Instance<ErasureHandler> handlers;
    private final OutboxStore outbox;

    ErasureConsumer(Pool pool, Clock clock, ErasureReceiptStore receipts, ErasedIdentities erased,
            Instance<ErasureHandler> handlers, OutboxStore outbox) {
        this.outbox = outbox;
        this.pool = pool;
        this.clock = clock;
        this.receipts = receipts;
        this.erased = erased;
        this.handlers = handlers;
    }

    @Incoming("erasures")
    public Uni<Void> onErasure(ProfileErasureRequested erasure) {
        Set<String> unique = new LinkedHashSet<>();
        unique.add(erasure.profileId());
        if (erasure.alsoProfileIds() != null) {
            unique.addAll(erasure.alsoProfileIds());
        }
        List<String> ids = List.copyOf(new ArrayList<>(unique));
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> {
            Instant now = clock.instant();
            return receipts.recordOnce(sql, erasure.erasureId(), erasure.requestedAt(), now).chain(first -> {
                if (!first) {
                    LOG.debugf("erasure %s already obeyed", erasure.erasureId());
                    return Uni.createFrom().item(false);
                }
                Uni<Void> steps = erased.remember(sql, ErasedIdentities.profiles(ids), now)
                        .chain(() -> outbox.dropFailedFor(sql, ids));
                for (ErasureHandler handler : handlers) {
                    steps = steps.chain(() -> handler.erase(sql, erasure, ids));
                }
                return steps.replaceWith(true);
            });
        }))
                .onFailure(Transactions::retryable).retry().atMost(3)
                .onFailure().invoke(e -> LOG.warnf(e, "erasure %s failed; it goes to the dead-letter topic", erasure.erasureId()))
                .chain(first -> {
                    if (!first) {
                        return Uni.createFrom().voidItem();
                    }
                    Uni<Void> after = Uni.createFrom().voidItem();
                    for (ErasureHandler handler : handlers) {
                        after = after.chain(() -> handler.afterCommit(erasure, ids));
                    }
                    return after;
                });
    }
}
