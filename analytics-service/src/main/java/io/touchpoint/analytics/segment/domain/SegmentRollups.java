package io.touchpoint.analytics.segment.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.touchpoint.analytics.time.domain.Grain;

/**
 * What new membership transitions add to the rollups: entries and exits per segment, and moves. A
 * move is a profile leaving one segment and entering another at the same instant (segmentation
 * decides all of a profile's segments in one evaluation and dates every transition of it with the
 * same instant), so a stage change is one move. Each pair of transitions becomes a move once: when
 * the later of its two transitions is first recorded.
 */
public final class SegmentRollups {

    public record Key(String segmentId, Grain grain, Instant bucket) {
    }

    public record MoveKey(String from, String to, Grain grain, Instant bucket) {
    }

    private final Map<Key, long[]> changes = new TreeMap<>(Comparator.comparing(Key::segmentId)
            .thenComparing(k -> k.grain().code()).thenComparing(Key::bucket));
    private final Map<MoveKey, Long> moves = new TreeMap<>(Comparator.comparing(MoveKey::from).thenComparing(MoveKey::to)
            .thenComparing(k -> k.grain().code()).thenComparing(MoveKey::bucket));

    /**
     * @param fresh the transitions recorded by this transaction
     * @param atTheirInstants every recorded transition (old and fresh) of the same profiles at the
     *        same instants as the fresh ones
     */
    public static SegmentRollups of(Collection<MembershipChange> fresh, Collection<MembershipChange> atTheirInstants) {
        SegmentRollups r = new SegmentRollups();
        Set<MembershipChange> isFresh = Set.copyOf(fresh);
        for (MembershipChange c : fresh) {
            for (Grain g : Grain.values()) {
                long[] row = r.changes.computeIfAbsent(new Key(c.segmentId(), g, g.floor(c.at())), k -> new long[2]);
                row[c.entered() ? 0 : 1]++;
            }
        }
        Map<List<Object>, List<MembershipChange>> byInstant = new LinkedHashMap<>();
        for (MembershipChange c : atTheirInstants) {
            byInstant.computeIfAbsent(List.of(c.profileId(), c.at()), k -> new ArrayList<>()).add(c);
        }
        for (List<MembershipChange> same : byInstant.values()) {
            for (MembershipChange exit : same) {
                if (exit.entered()) {
                    continue;
                }
                for (MembershipChange entry : same) {
                    if (entry.entered() && (isFresh.contains(exit) || isFresh.contains(entry))) {
                        for (Grain g : Grain.values()) {
                            r.moves.merge(new MoveKey(exit.segmentId(), entry.segmentId(), g, g.floor(exit.at())), 1L, Long::sum);
                        }
                    }
                }
            }
        }
        return r;
    }

    public Map<Key, long[]> changes() {
        return changes;
    }

    public Map<MoveKey, Long> moves() {
        return moves;
    }
}
