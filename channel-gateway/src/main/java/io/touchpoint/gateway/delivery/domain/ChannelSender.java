package io.touchpoint.gateway.delivery.domain;

import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Hands one message to a channel's provider and says what it took ({@link Accepted}). Fails with
 * {@link Refused} when the provider said no (not sent), with {@link NoAnswer} when it is not known
 * whether the provider took it, with {@link RetryLater} when the provider asked to be called again
 * later (a webhook answering 500, an SMSC throttling), and with anything else when it could not be
 * reached (not sent).
 */
public interface ChannelSender {

    String channel();

    /** False when the channel's provider is not configured: the policy then never chooses the channel. */
    default boolean enabled() {
        return true;
    }

    Uni<Accepted> send(Delivery delivery, Content content);

    /**
     * What the provider took: how many parts (SMS segments; 1 otherwise), the provider's own id of
     * each when it reports receipts under it (the SMSC's message ids), and a note for the SENT event.
     */
    record Accepted(int parts, List<String> providerIds, String detail) {

        public static final Accepted ONE = new Accepted(1, List.of(), null);

        public Accepted {
            providerIds = List.copyOf(providerIds);
        }
    }

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

    /** The provider did not take it now and may later: sent again after a backoff (the same delivery id). */
    final class RetryLater extends RuntimeException {
        private final transient Duration after;

        /** @param after how long the provider asked to wait (Retry-After), or null for the backoff's own */
        public RetryLater(String message, Duration after, Throwable cause) {
            super(message, cause, false, false);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }
}
