package io.touchpoint.gateway.delivery.domain;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.recipient.domain.Recipient;

/** Renders a delivery's template for its channel and the recipient; fails with {@link RenderFailed}. */
public interface MessageRenderer {

    /** @param recipient null when the profile is no longer known (its variables then come from the request only) */
    Uni<Content> render(Delivery delivery, Recipient recipient);

    /** The template is missing, has no variant for the channel, or failed to render: the delivery fails with this reason. */
    final class RenderFailed extends RuntimeException {
        public RenderFailed(String message) {
            super(message, null, false, false);
        }
    }
}
