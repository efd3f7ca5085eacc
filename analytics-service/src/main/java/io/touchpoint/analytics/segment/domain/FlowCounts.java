package io.touchpoint.analytics.segment.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flows between a set of segments (lifecycle stages) over {@code [from, to)}: the moves from each to
 * each other (a profile left one and entered the other at the same instant), entries from none of
 * them and exits to none of them (entries or exits without a move inside the set), and each one's
 * size at both ends, so {@code sizeAtTo = sizeAtFrom + entries − exits} holds for every segment.
 * Meant for mutually exclusive segments (stages): with overlapping ones a profile entering two of
 * them at once makes two moves, and "from none" can no longer be told apart.
 */
public record FlowCounts(List<String> segments, Map<String, long[]> entriesExits, Map<List<String>, Long> moves,
        Map<String, Long> sizeAtFrom, Map<String, Long> sizeAtTo) {

    /** One cell of the matrix; {@code from} or {@code to} null for "none of the set". */
    public record Flow(String from, String to, long count) {
    }

    /** Every non-empty cell: moves first (in the set's order), then entries from none, then exits to none. */
    public List<Flow> matrix() {
        List<Flow> out = new ArrayList<>();
        for (String from : segments) {
            for (String to : segments) {
                long n = moves.getOrDefault(List.of(from, to), 0L);
                if (n != 0) {
                    out.add(new Flow(from, to, n));
                }
            }
        }
        for (String to : segments) {
            long moved = segments.stream().mapToLong(from -> moves.getOrDefault(List.of(from, to), 0L)).sum();
            long n = entriesExits.getOrDefault(to, new long[2])[0] - moved;
            if (n != 0) {
                out.add(new Flow(null, to, n));
            }
        }
        for (String from : segments) {
            long moved = segments.stream().mapToLong(to -> moves.getOrDefault(List.of(from, to), 0L)).sum();
            long n = entriesExits.getOrDefault(from, new long[2])[1] - moved;
            if (n != 0) {
                out.add(new Flow(from, null, n));
            }
        }
        return out;
    }
}
