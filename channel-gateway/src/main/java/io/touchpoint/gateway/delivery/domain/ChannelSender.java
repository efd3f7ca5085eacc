package io.touchpoint.gateway.delivery.domain;

import io.smallrye.mutiny.Uni;

/**
 * Hands one message to a channel's provider. Fails with {@link Refused} when the provider said no
 * (not sent), with {@link NoAnswer} when it is not known whether the provider took it, and with
 * anything else when it could not be reached (not sent).
 */
public interface ChannelSender {

    String channel();

    Uni<Void> send(Delivery delivery, Content content);

    final class Refused extends RuntimeException {
        public Refused(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    final class NoAnswer extends RuntimeException {
        public NoAnswer(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
