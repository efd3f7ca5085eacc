package io.touchpoint.profile.erasure.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.profile.erasure.domain.ProfileEraser;

/**
 * Obeys GDPR erasures. The receipt is written in the same transaction as the deletes, and the
 * offset is committed only after that transaction, so a crash redelivers and the redelivery is a no-op.
 */
@ApplicationScoped
public class ErasureConsumer {

    private static final Logger LOG = Logger.getLogger(ErasureConsumer.class);

    @Inject
    ProfileEraser eraser;

    @Incoming("erasures")
    public Uni<Void> onErasure(ProfileErasureRequested erasure) {
        return eraser.obey(erasure)
                .invoke(first -> {
                    if (!first) {
                        LOG.debugf("erasure %s already obeyed", erasure.erasureId());
                    }
                })
                .replaceWithVoid();
    }
}
