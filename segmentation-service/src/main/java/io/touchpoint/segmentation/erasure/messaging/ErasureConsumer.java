package io.touchpoint.segmentation.erasure.messaging;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.segmentation.erasure.store.ErasureReceiptStore;

/**
 * Obeys GDPR erasures. This service holds no personal data yet, so obeying is recording the
 * receipt; deletes join this transaction as the service gains data. The receipt is written in the same transaction as the deletes, and the
 * offset is committed only after that transaction, so a crash redelivers and the redelivery is a no-op.
 */
@ApplicationScoped
public class ErasureConsumer {

    private static final Logger LOG = Logger.getLogger(ErasureConsumer.class);

    @Inject
    ErasureReceiptStore receipts;

    @Inject
    Clock clock;

    @Incoming("erasures")
    @WithTransaction
    public Uni<Void> onErasure(ProfileErasureRequested erasure) {
        return receipts.recordOnce(erasure.erasureId(), erasure.requestedAt(), clock.instant())
                .invoke(recorded -> {
                    if (!recorded) {
                        LOG.debugf("erasure %s already obeyed", erasure.erasureId());
                    }
                })
                .replaceWithVoid();
    }
}
