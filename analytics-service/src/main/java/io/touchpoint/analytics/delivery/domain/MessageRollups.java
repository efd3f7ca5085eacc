package io.touchpoint.analytics.delivery.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.touchpoint.analytics.time.domain.Grain;

/**
 * The rollup changes of one transaction: for every message it changed, its contribution after minus
 * its contribution before, at each grain. A duplicate or a replay changes no state, so it adds
 * nothing; a message whose node or arm became known later moves its counts from the row it was
 * counted under to the right one. Keys are kept sorted so transactions lock rollup rows in one order.
 */
public final class MessageRollups {

    /** requested, then unique and total per metric. */
    public static final int WIDTH = 1 + 2 * Metric.all().size();

    public record Key(Grain grain, Instant bucket, MessageDims dims) {
    }

    public record ReasonKey(Key key, String reason) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing((Key k) -> k.dims().journeyId())
            .thenComparing(k -> k.grain().code()).thenComparing(Key::bucket).thenComparing(k -> k.dims().nodeId())
            .thenComparing(k -> k.dims().templateId()).thenComparing(k -> k.dims().channel()).thenComparing(k -> k.dims().arm());

    private final Map<Key, long[]> values = new TreeMap<>(ORDER);
    private final Map<ReasonKey, Long> suppressed = new TreeMap<>(
            Comparator.comparing(ReasonKey::key, ORDER).thenComparing(ReasonKey::reason));

    /** Adds {@code after − before} (either may be null: no contribution). */
    public void change(MessageState.Contribution before, MessageState.Contribution after) {
        if (before != null) {
            add(before, -1);
        }
        if (after != null) {
            add(after, 1);
        }
    }

    private void add(MessageState.Contribution c, int sign) {
        for (Grain grain : Grain.values()) {
            Key key = new Key(grain, grain.floor(c.anchor()), c.dims());
            long[] row = values.computeIfAbsent(key, k -> new long[WIDTH]);
            for (int i = 0; i < WIDTH; i++) {
                row[i] += sign * c.values()[i];
            }
            if (c.suppressedReason() != null) {
                suppressed.merge(new ReasonKey(key, c.suppressedReason()), (long) sign, Long::sum);
            }
        }
    }

    /** The rows that change, in lock order. */
    public List<Map.Entry<Key, long[]>> rows() {
        return values.entrySet().stream().filter(e -> !allZero(e.getValue())).toList();
    }

    public List<Map.Entry<ReasonKey, Long>> suppressedRows() {
        return suppressed.entrySet().stream().filter(e -> e.getValue() != 0).toList();
    }

    private static boolean allZero(long[] row) {
        for (long v : row) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}
