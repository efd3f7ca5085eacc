package io.touchpoint.gateway.delivery.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.delivery")
public interface DeliveryConfig {

    /** How long after its request time a message may still go out; a deferral past it drops the message. */
    @WithDefault("P2D")
    Duration timeToLive();

    /** A request for a profile the gateway has not heard of yet is decided again after this long. */
    @WithDefault("PT1M")
    Duration unknownRecipientRetry();

    /** The zone of a recipient who stated none: quiet hours and calendar days of caps are read in it. */
    @WithDefault("UTC")
    String defaultZone();

    /** The channel order of a recipient who stated none. */
    @WithDefault("email")
    List<String> defaultChannelOrder();

    /** Frequency caps per channel, marketing only: {@code caps.email.messages=3}, {@code caps.email.days=7}. */
    Map<String, Cap> caps();

    interface Cap {
        int messages();

        int days();
    }

    /**
     * Caps per tag (the request's topic), marketing only: {@code tag-caps.offers.messages=1},
     * {@code tag-caps.offers.days=7}, and {@code tag-caps.offers.channel=email} to count one channel
     * only (absent: every channel together).
     */
    Map<String, TagCap> tagCaps();

    interface TagCap {
        int messages();

        int days();

        Optional<String> channel();
    }

    /**
     * Marketing send rates per channel, a token bucket each: {@code rates.email.per-second=50},
     * {@code rates.email.burst=100} (default: one second's worth). Transactional messages are not held
     * by it and are claimed ahead of marketing. Absent: as fast as the provider answers.
     */
    Map<String, Rate> rates();

    interface Rate {
        double perSecond();

        Optional<Integer> burst();
    }

    /**
     * When a provider asks to be called again later ({@code RetryLater}: a webhook's 5xx or 429, an
     * SMSC throttling): the first wait, doubling each time up to {@code max-delay}, each drawn at
     * random between half and all of it (jitter, so retries of many messages spread out), until
     * {@code give-up-after} from the first hand-over; then the delivery fails as retries-exhausted.
     */
    RetryConfig retry();

    interface RetryConfig {
        @WithDefault("PT5S")
        Duration firstDelay();

        @WithDefault("PT6H")
        Duration maxDelay();

        @WithDefault("PT24H")
        Duration giveUpAfter();
    }

    /**
     * A row another process left in sending for longer than this is declared unknown: longer than a
     * provider call can take with its timeout.
     */
    @WithDefault("PT5M")
    Duration stuckAfter();

    /** How often queued rows and rows stuck in sending are looked for, besides the kick after each decision. */
    @WithDefault("1000")
    long sweepIntervalMs();

    /** Rows claimed per transaction. */
    @WithDefault("50")
    int batch();

    /**
     * Messages between their render and their recorded outcome at once, over all channels. Most of
     * a message's time there is waiting (the provider's answer, the outcome's commit), not work: 8
     * sent 136 SMS/s and 32 sent 168 to 223/s on the same stack (benchmarks/README-delivery.md). The
     * email pools (10 marketing, 4 transactional connections) queue what they cannot take yet.
     */
    @WithDefault("32")
    int concurrency();

    /**
     * This process's name in the ledger's sending rows (default: the host name). A process that
     * starts under the name of one that stopped declares that one's sending rows unknown at once.
     */
    Optional<String> instance();
}
