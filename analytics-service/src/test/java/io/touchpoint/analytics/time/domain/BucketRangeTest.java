package io.touchpoint.analytics.time.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

class BucketRangeTest {

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    @Test
    void aPeriodIsWholeDaysInTheMiddleThenHoursThenQuarters() {
        List<BucketRange> ranges = BucketRange.cover(at("2026-03-01T22:30:00Z"), at("2026-03-04T01:15:00Z"), 7);
        assertEquals(List.of(
                new BucketRange(Grain.QUARTER, at("2026-03-01T22:30:00Z"), at("2026-03-01T23:00:00Z"), 7),
                new BucketRange(Grain.HOUR, at("2026-03-01T23:00:00Z"), at("2026-03-02T00:00:00Z"), 7),
                new BucketRange(Grain.DAY, at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z"), 7),
                new BucketRange(Grain.HOUR, at("2026-03-04T00:00:00Z"), at("2026-03-04T01:00:00Z"), 7),
                new BucketRange(Grain.QUARTER, at("2026-03-04T01:00:00Z"), at("2026-03-04T01:15:00Z"), 7)), ranges);
    }

    @Test
    void aKolkataDayIsQuartersAtItsEdgesAndHoursBetween() {
        TimeGrid grid = TimeGrid.of(at("2026-03-29T18:30:00Z"), at("2026-03-30T18:30:00Z"), ZoneId.of("Asia/Kolkata"),
                Granularity.DAY, 10);
        assertEquals(List.of(
                new BucketRange(Grain.QUARTER, at("2026-03-29T18:30:00Z"), at("2026-03-29T19:00:00Z"), 0),
                new BucketRange(Grain.HOUR, at("2026-03-29T19:00:00Z"), at("2026-03-30T18:00:00Z"), 0),
                new BucketRange(Grain.QUARTER, at("2026-03-30T18:00:00Z"), at("2026-03-30T18:30:00Z"), 0)),
                grid.bucketRanges());
    }

    @Test
    void aBoundaryOffTheQuarterHourIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BucketRange.cover(at("2026-03-01T22:10:00Z"), at("2026-03-02T00:00:00Z"), 0));
    }
}
