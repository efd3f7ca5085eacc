package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.util.List;

/**
 * What the sending policy decided for one request. {@code skipped} lists the channels tried before
 * and why each was not allowed, in channel order, so a fallback or a suppression explains itself.
 */
public sealed interface Decision {

    List<Skipped> skipped();

    /** A channel that was not allowed, and why. */
    record Skipped(String channel, Reason reason, String detail) {
    }

    /** Send on {@code channel} to {@code address}. */
    record Send(String channel, String address, List<Skipped> skipped) implements Decision {
        public Send {
            skipped = List.copyOf(skipped);
        }
    }

    /** Ask again at {@code until}; {@code channel} is the one that will be tried first then, null when none was chosen. */
    record Defer(Instant until, String channel, Reason reason, String detail, List<Skipped> skipped) implements Decision {
        public Defer {
            skipped = List.copyOf(skipped);
        }
    }

    /** Not sent, for good. */
    record Suppress(Reason reason, String detail, List<Skipped> skipped) implements Decision {
        public Suppress {
            skipped = List.copyOf(skipped);
        }
    }
}
