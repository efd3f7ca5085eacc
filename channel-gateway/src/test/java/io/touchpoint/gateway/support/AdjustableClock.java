package io.touchpoint.gateway.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

/**
 * Replaces the service's default clock in tests: it runs with the system clock until a test fixes
 * it at an instant, and goes back to the system clock on {@link #reset()}.
 */
@Singleton
public class AdjustableClock extends Clock {

    private final AtomicReference<Instant> fixed = new AtomicReference<>();

    public void fixAt(Instant instant) {
        fixed.set(instant);
    }

    public void reset() {
        fixed.set(null);
    }

    @Override
    public Instant instant() {
        Instant instant = fixed.get();
        return instant != null ? instant : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the service reads instants only");
    }
}
