package io.touchpoint.gateway.delivery.domain;

import java.util.List;

import io.smallrye.mutiny.Uni;

/** Renders deliveries' templates for their channel and recipient; a render fails with {@link RenderFailed}. */
public interface MessageRenderer {

    /**
     * Reads what a claimed batch renders from (its recipients, templates and segment memberships) in
     * one round of statements: reading them per message cost each message its own connection and
     * round trips, and those, not the provider, set the dispatcher's pace.
     */
    Uni<Renders> prepare(List<Delivery> batch);

    /** A prepared batch: each of its deliveries renders without another read. */
    @FunctionalInterface
    interface Renders {
        Uni<Content> render(Delivery delivery);
    }

    /** The template is missing, has no variant for the channel, or failed to render: the delivery fails with this reason. */
    final class RenderFailed extends RuntimeException {
        public RenderFailed(String message) {
            super(message, null, false, false);
        }
    }
}
