package io.touchpoint.analytics.time.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The periods of a report: {@code [from, to)} widened to whole periods of the granularity in the
 * reader's zone. Each period is a set of whole UTC quarter hours (see {@link Grain}), so sums of
 * rollup rows are exact in every zone, across daylight-saving changes included.
 */
public record TimeGrid(ZoneId zone, Granularity granularity, List<Period> periods) {

    /** One step: its UTC bounds and its start as the reader's local time. */
    public record Period(int index, Instant start, Instant end, ZonedDateTime localStart) {
    }

    /** Thrown when a grid would be larger than allowed, or a period does not fall on quarter hours. */
    public static final class GridException extends RuntimeException {
        public GridException(String message) {
            super(message, null, false, false);
        }
    }

    public static TimeGrid of(Instant from, Instant to, ZoneId zone, Granularity granularity, int maxPeriods) {
        List<Period> periods = new ArrayList<>();
        ZonedDateTime start = granularity.floor(from, zone);
        while (start.toInstant().isBefore(to) || periods.isEmpty()) {
            if (periods.size() == maxPeriods) {
                throw new GridException("the range holds more than " + maxPeriods + " " + granularity.text() + "s");
            }
            ZonedDateTime end = granularity.next(start, zone);
            if (!Grain.QUARTER.aligned(start.toInstant()) || !Grain.QUARTER.aligned(end.toInstant())) {
                throw new GridException(zone + " has an offset that is not a whole quarter hour at " + start.toLocalDateTime());
            }
            periods.add(new Period(periods.size(), start.toInstant(), end.toInstant(), start));
            start = end;
        }
        return new TimeGrid(zone, granularity, List.copyOf(periods));
    }

    public Instant from() {
        return periods.get(0).start();
    }

    public Instant to() {
        return periods.get(periods.size() - 1).end();
    }

    /** Every period as the fewest rollup bucket ranges (whole days, then hours, then quarters). */
    public List<BucketRange> bucketRanges() {
        List<BucketRange> out = new ArrayList<>();
        for (Period p : periods) {
            out.addAll(BucketRange.cover(p.start(), p.end(), p.index()));
        }
        return out;
    }

    /** The index of the period holding {@code at}, or -1 outside the grid. */
    public int indexOf(Instant at) {
        int lo = 0;
        int hi = periods.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Period p = periods.get(mid);
            if (at.isBefore(p.start())) {
                hi = mid - 1;
            } else if (!at.isBefore(p.end())) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
