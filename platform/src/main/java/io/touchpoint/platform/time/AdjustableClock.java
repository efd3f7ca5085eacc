package io.touchpoint.platform.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The system clock plus an offset that tests, or a marketer on the simulated local stack, move
 * forward, so months of customer life pass in seconds. It can also stand still at an instant (a
 * boundary is asserted to the millisecond only on a clock that does not move). Whoever waits on
 * the clock (wake-ups) is told when it jumps, and fires what fell due at once.
 */
public final class AdjustableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozen;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Instant instant() {
        Instant at = frozen;
        return at != null ? at : Instant.now().plus(offset);
    }

    /** Moves the clock forward by {@code by}; a frozen clock stays frozen, at the later instant. */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        if (frozen != null) {
            frozen = frozen.plus(by);
        } else {
            offset = offset.plus(by);
        }
        changed();
    }

    /** Runs on from {@code at}; refuses to go back, since what fired cannot un-fire. */
    public synchronized void moveTo(Instant at) {
        Instant now = instant();
        if (at.isBefore(now)) {
            throw new IllegalArgumentException("the clock only moves forward: it reads " + now);
        }
        if (frozen != null) {
            frozen = at;
        } else {
            offset = offset.plus(Duration.between(now, at));
        }
        changed();
    }

    /** Stops the clock at {@code at} (tests only: it may go back). */
    public synchronized void freezeAt(Instant at) {
        frozen = at;
        changed();
    }

    /** Back to the system clock (tests only). */
    public synchronized void reset() {
        offset = Duration.ZERO;
        frozen = null;
        changed();
    }

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("services read instants only; zones are applied explicitly");
    }
}
