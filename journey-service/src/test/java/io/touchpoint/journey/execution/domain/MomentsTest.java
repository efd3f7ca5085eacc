package io.touchpoint.journey.execution.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.definition.domain.JourneyGraph;

class MomentsTest {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void nineOClockLocalIsADifferentInstantPerZone() {
        Instant now = Instant.parse("2026-06-10T05:00:00Z");
        assertEquals(Instant.parse("2026-06-10T06:00:00Z"), Moments.nextLocal(now, HELSINKI, LocalTime.of(9, 0), Set.of()));
        assertEquals(Instant.parse("2026-06-10T13:00:00Z"), Moments.nextLocal(now, NEW_YORK, LocalTime.of(9, 0), Set.of()));
    }

    @Test
    void nineOClockAcrossTheSpringChangeIsStillNineOClock() {
        // Helsinki moves from +02 to +03 on 2026-03-29 at 03:00.
        Instant saturday = Instant.parse("2026-03-28T08:00:00Z");
        Instant sunday = Moments.nextLocal(saturday, HELSINKI, LocalTime.of(9, 0), Set.of(DayOfWeek.SUNDAY));
        assertEquals(Instant.parse("2026-03-29T06:00:00Z"), sunday);
        // The skipped hour: 03:30 does not exist that day; the wait ends just after the gap.
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), Moments.nextLocal(saturday, HELSINKI, LocalTime.of(3, 30),
                Set.of(DayOfWeek.SUNDAY)));
    }

    @Test
    void weekdaysAreHonoured() {
        Instant wednesday = Instant.parse("2026-06-10T12:00:00Z");
        assertEquals(Instant.parse("2026-06-15T06:00:00Z"),
                Moments.nextLocal(wednesday, HELSINKI, LocalTime.of(9, 0), Set.of(DayOfWeek.MONDAY)));
    }

    @Test
    void anniversariesRecurAndLeapDaysFallOnThe28th() {
        Instant now = Instant.parse("2027-01-10T00:00:00Z");
        assertEquals(Instant.parse("2027-02-25T09:00:00Z"),
                Moments.dateMoment("2000-02-29", true, -3, LocalTime.of(9, 0), ZoneOffset.UTC, now).orElseThrow());
        assertEquals(Instant.parse("2000-03-03T09:00:00Z"),
                Moments.dateMoment("2000-02-29", false, 3, LocalTime.of(9, 0), ZoneOffset.UTC, now).orElseThrow());
        assertTrue(Moments.dateMoment("not a date", true, 0, LocalTime.NOON, ZoneOffset.UTC, now).isEmpty());
    }

    @Test
    void zonesFallBackFromPreferenceToTraitToJourney() {
        assertEquals(NEW_YORK, Moments.zoneOf(Map.of("timeZone", "America/New_York"), Map.of("timeZone", "Europe/Helsinki"), ZoneOffset.UTC));
        assertEquals(HELSINKI, Moments.zoneOf(Map.of(), Map.of("timeZone", "Europe/Helsinki"), ZoneOffset.UTC));
        assertEquals(ZoneOffset.UTC, Moments.zoneOf(Map.of("timeZone", "Mars/Olympus"), Map.of(), ZoneOffset.UTC));
    }

    @Test
    void weeklySchedulesFindTheNextMonday() {
        var weekly = new JourneyGraph.ScheduleTrigger(null, JourneyGraph.Repeat.WEEK, Set.of(DayOfWeek.MONDAY), 1,
                LocalTime.of(9, 0), true);
        assertEquals(LocalDateTime.parse("2026-12-07T09:00"),
                Moments.nextOccurrence(weekly, LocalDateTime.parse("2026-12-02T10:00")).orElseThrow());
        assertEquals(LocalDateTime.parse("2026-12-14T09:00"),
                Moments.nextOccurrence(weekly, LocalDateTime.parse("2026-12-07T09:00")).orElseThrow());
    }
}
