package io.touchpoint.analytics.time.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A half-open range of rollup buckets of one grain, {@code [from, to)}, that belongs to one period of
 * a report ({@code period} is its index). {@link #cover} splits a period into the fewest such ranges:
 * whole UTC days in the middle, whole hours next to them, quarters at the edges.
 */
public record BucketRange(Grain grain, Instant from, Instant to, int period) {

    /** @param from and {@code to} must fall on quarter-hour boundaries */
    public static List<BucketRange> cover(Instant from, Instant to, int period) {
        if (!Grain.QUARTER.aligned(from) || !Grain.QUARTER.aligned(to)) {
            throw new IllegalArgumentException("a period must start and end on a quarter hour");
        }
        List<BucketRange> out = new ArrayList<>();
        cover(from, to, period, Grain.DAY, out);
        return out;
    }

    private static void cover(Instant from, Instant to, int period, Grain grain, List<BucketRange> out) {
        if (!from.isBefore(to)) {
            return;
        }
        if (grain == Grain.QUARTER) {
            out.add(new BucketRange(grain, from, to, period));
            return;
        }
        Grain finer = grain == Grain.DAY ? Grain.HOUR : Grain.QUARTER;
        Instant firstWhole = grain.aligned(from) ? from : grain.floor(from).plusSeconds(grain.seconds());
        Instant lastWhole = grain.floor(to);
        if (!firstWhole.isBefore(lastWhole)) {
            cover(from, to, period, finer, out);
            return;
        }
        cover(from, firstWhole, period, finer, out);
        out.add(new BucketRange(grain, firstWhole, lastWhole, period));
        cover(lastWhole, to, period, finer, out);
    }
}
