package io.touchpoint.gateway.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SendRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstGoesAtOnceThenSendsAreSpacedAtTheRate() {
        var rate = new SendRate(10, 3, 0);
        assertEquals(0, rate.reserve(0));
        assertEquals(0, rate.reserve(0));
        assertEquals(0, rate.reserve(0));
        // The bucket is empty: the next sends are booked 100 ms apart.
        assertEquals(SECOND / 10, rate.reserve(0));
        assertEquals(2 * SECOND / 10, rate.reserve(0));
        // Half a second later the two booked tokens have come and three more accrued; the burst caps it.
        assertEquals(0, rate.reserve(SECOND / 2));
        assertEquals(0, rate.reserve(SECOND / 2));
        assertEquals(0, rate.reserve(SECOND / 2));
        assertEquals(SECOND / 10, rate.reserve(SECOND / 2));
    }

    @Test
    void aQuietSpellRefillsOnlyUpToTheBurst() {
        var rate = new SendRate(1, 2, 0);
        rate.reserve(0);
        rate.reserve(0);
        assertEquals(0, rate.reserve(3600 * SECOND));
        assertEquals(0, rate.reserve(3600 * SECOND));
        assertEquals(SECOND, rate.reserve(3600 * SECOND));
    }

    @Test
    void aNonsenseRateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SendRate(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SendRate(5, 0, 0));
    }
}
