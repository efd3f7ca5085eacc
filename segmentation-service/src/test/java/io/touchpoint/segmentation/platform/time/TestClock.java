package io.touchpoint.segmentation.platform.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The application's clock in tests: the system clock plus an offset a test can move forward, to
 * let windows pass without waiting. Every test that moves it puts it back.
 */
public class TestClock extends Clock {

    private static volatile Duration offset = Duration.ZERO;
    private static volatile Instant frozen;

    public static void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Stops the clock at {@code at}: a boundary can only be asserted to the millisecond on a clock that stands still. */
    public static void freezeAt(Instant at) {
        frozen = at;
    }

    public static void reset() {
        offset = Duration.ZERO;
        frozen = null;
    }

    /** Kept apart from the clock itself, which would otherwise be a second {@code Clock} bean. */
    static class Producer {
        @Produces
        @Singleton
        Clock clock() {
            return new TestClock();
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        Instant at = frozen;
        return at != null ? at : Instant.now().plus(offset);
    }
}
