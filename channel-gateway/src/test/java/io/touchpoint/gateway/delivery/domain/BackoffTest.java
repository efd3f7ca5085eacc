package io.touchpoint.gateway.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofHours(6), Duration.ofHours(24));
    private final Instant first = Instant.parse("2027-01-01T00:00:00Z");

    @Test
    void delaysDoubleUpToTheCap() {
        assertEquals(Duration.ofSeconds(5), backoff.delay(1));
        assertEquals(Duration.ofSeconds(10), backoff.delay(2));
        assertEquals(Duration.ofSeconds(40), backoff.delay(4));
        assertEquals(Duration.ofHours(6), backoff.delay(20));
        assertEquals(Duration.ofHours(6), backoff.delay(1000));
    }

    @Test
    void jitterDrawsBetweenHalfAndAllOfTheDelay() {
        Instant now = first.plusSeconds(60);
        assertEquals(Optional.of(now.plusSeconds(20)), backoff.next(4, first, now, 0.0, null));
        Instant late = backoff.next(4, first, now, 0.999, null).orElseThrow();
        assertTrue(late.isAfter(now.plusSeconds(39)) && !late.isAfter(now.plusSeconds(40)), late.toString());
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsHonoured() {
        Instant now = first.plusSeconds(1);
        assertEquals(Optional.of(now.plusSeconds(120)), backoff.next(1, first, now, 0.5, Duration.ofSeconds(120)));
    }

    @Test
    void theWindowClosesTwentyFourHoursAfterTheFirstAttempt() {
        Instant now = first.plus(Duration.ofHours(20));
        assertEquals(Optional.empty(), backoff.next(20, first, now, 0.9, null));
        assertTrue(backoff.next(20, first, first.plus(Duration.ofHours(17)), 0.9, null).isPresent());
    }
}
