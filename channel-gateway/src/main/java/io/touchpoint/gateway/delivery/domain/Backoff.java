package io.touchpoint.gateway.delivery.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to hand a delivery to its provider again after the provider asked to be called later:
 * exponential (the first delay doubling per attempt, capped), with "equal jitter" (between half and
 * all of the delay, so the retries of a burst spread out instead of coming back together), never
 * sooner than the provider's own Retry-After, and not at all once the next attempt would fall after
 * the retry window that opened with the first attempt. Pure: the caller draws the random number.
 */
public record Backoff(Duration firstDelay, Duration maxDelay, Duration giveUpAfter) {

    public Backoff {
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < first-delay <= max-delay");
        }
    }

    /**
     * @param attempts hand-overs made so far (1 after the first)
     * @param random a number in [0, 1)
     * @param asked the provider's Retry-After, or null
     * @return the next attempt's instant, or empty when the window is closed (dead-letter)
     */
    public Optional<Instant> next(int attempts, Instant firstAttempt, Instant now, double random, Duration asked) {
        Duration delay = delay(attempts);
        long half = delay.toMillis() / 2;
        Duration wait = Duration.ofMillis(half + (long) (random * (delay.toMillis() - half)));
        if (asked != null && asked.compareTo(wait) > 0) {
            wait = asked.compareTo(maxDelay) > 0 ? maxDelay : asked;
        }
        Instant at = now.plus(wait);
        return at.isAfter(firstAttempt.plus(giveUpAfter)) ? Optional.empty() : Optional.of(at);
    }

    /** The delay before attempt {@code attempts + 1}, before jitter. */
    Duration delay(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        Duration delay = firstDelay.multipliedBy(1L << Math.min(doublings, 30));
        return delay.compareTo(maxDelay) > 0 || delay.isNegative() ? maxDelay : delay;
    }
}
