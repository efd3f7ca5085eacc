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

    public static void advance(Duration by) {
        offset = offset.plus(by);
    }

    public static void reset() {
        offset = Duration.ZERO;
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
        return Instant.now().plus(offset);
    }
}
