package io.touchpoint.gateway.delivery.domain;

/**
 * A provider's send rate as a token bucket: {@code perSecond} sends a second on average, up to
 * {@code burst} at once after a quiet spell. {@link #reserve} takes a token now or books the next
 * free one and says how long to wait for it, so concurrent senders queue fairly without polling.
 * Reads a monotonic tick (nanoseconds), not the business clock: a provider's limit is physical
 * time, and a simulated clock jumping ahead must not let a burst through.
 */
public final class SendRate {

    private final double nanosPerToken;
    private final double burst;
    private double tokens;
    private long last;

    public SendRate(double perSecond, int burst, long nowNanos) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a send rate is perSecond > 0 with burst >= 1");
        }
        this.nanosPerToken = 1_000_000_000d / perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one token: 0 when one was free, else the nanoseconds until the booked one is. */
    public synchronized long reserve(long nowNanos) {
        if (nowNanos > last) {
            tokens = Math.min(burst, tokens + (nowNanos - last) / nanosPerToken);
            last = nowNanos;
        }
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * nanosPerToken);
    }
}
