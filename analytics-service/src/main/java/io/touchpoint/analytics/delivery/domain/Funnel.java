package io.touchpoint.analytics.delivery.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A funnel assembled from the store's rows: the totals, each group's totals, and each group's
 * counts per period of the grid (periods without messages included, as zeros).
 */
public record Funnel(FunnelCounts totals, Map<List<String>, FunnelCounts> groups, Map<List<String>, FunnelCounts[]> series) {

    private static final Comparator<List<String>> GROUP_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** @param grouped false: one group of everything, there even when nothing was sent (a series of zeros) */
    public static Funnel of(int periods, List<FunnelRow> rows, boolean grouped) {
        FunnelCounts totals = new FunnelCounts();
        Map<List<String>, FunnelCounts> groups = new TreeMap<>(GROUP_ORDER);
        Map<List<String>, FunnelCounts[]> series = new TreeMap<>(GROUP_ORDER);
        if (!grouped) {
            groups.put(List.of(), new FunnelCounts());
            series.put(List.of(), zeros(periods));
        }
        for (FunnelRow row : rows) {
            if (empty(row)) {
                // A row a message's counts moved away from (its node or arm became known later): nothing to show.
                continue;
            }
            List<String> group = row.group().stream().map(v -> v == null ? "" : v).toList();
            FunnelCounts[] perPeriod = series.computeIfAbsent(group, g -> zeros(periods));
            FunnelCounts groupTotals = groups.computeIfAbsent(group, g -> new FunnelCounts());
            if (row.values() != null) {
                perPeriod[row.period()].add(row.values());
                groupTotals.add(row.values());
                totals.add(row.values());
            } else {
                perPeriod[row.period()].addSuppressed(row.suppressedReason(), row.suppressed());
                groupTotals.addSuppressed(row.suppressedReason(), row.suppressed());
                totals.addSuppressed(row.suppressedReason(), row.suppressed());
            }
        }
        return new Funnel(totals, groups, series);
    }

    private static boolean empty(FunnelRow row) {
        if (row.values() == null) {
            return row.suppressed() == 0;
        }
        for (long v : row.values()) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static FunnelCounts[] zeros(int periods) {
        FunnelCounts[] counts = new FunnelCounts[periods];
        for (int i = 0; i < periods; i++) {
            counts[i] = new FunnelCounts();
        }
        return counts;
    }

    /** Every suppression reason in the funnel, sorted: the CSV's columns. */
    public List<String> reasons() {
        return new ArrayList<>(totals.suppressedByReason().keySet());
    }
}
