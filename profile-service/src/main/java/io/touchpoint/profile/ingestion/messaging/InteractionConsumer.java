package io.touchpoint.profile.ingestion.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.profile.ingestion.domain.InteractionApplier;

/**
 * Feeds the gateway's interactions into the master profile. The offset is committed only after the
 * transaction commits; a redelivery finds its (source, messageId) recorded and changes nothing.
 */
@ApplicationScoped
public class InteractionConsumer {

    @Inject
    InteractionApplier applier;

    @Incoming("interactions")
    public Uni<Void> onInteraction(Interaction interaction) {
        return applier.apply(interaction);
    }
}
