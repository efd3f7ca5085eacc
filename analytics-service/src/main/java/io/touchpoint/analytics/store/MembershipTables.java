package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.segment.domain.MembershipChange;
import io.touchpoint.analytics.segment.domain.SegmentRollups;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Membership transitions, the segments heard of, and the entries, exits and moves rolled up from them. */
@ApplicationScoped
class MembershipTables {

    Uni<Void> apply(SqlClient sql, List<MembershipChange> changes) {
        List<MembershipChange> unique = List.copyOf(new LinkedHashSet<>(changes));
        return sql.preparedQuery("""
                INSERT INTO membership_change (profile_id, at, segment_id, entered)
                SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::boolean[])
                ON CONFLICT DO NOTHING RETURNING profile_id, at, segment_id, entered""")
                .execute(Sql.tuple(Sql.texts(unique.stream().map(MembershipChange::profileId).toList()),
                        Sql.times(unique.stream().map(MembershipChange::at).toList()),
                        Sql.texts(unique.stream().map(MembershipChange::segmentId).toList()),
                        unique.stream().map(MembershipChange::entered).toArray(Boolean[]::new)))
                .chain(rows -> {
                    List<MembershipChange> fresh = read(rows);
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Set<List<Object>> instants = new LinkedHashSet<>();
                    fresh.forEach(c -> instants.add(List.of(c.profileId(), c.at())));
                    return sql.preparedQuery("""
                            SELECT m.profile_id, m.at, m.segment_id, m.entered FROM membership_change m
                            JOIN unnest($1::text[], $2::timestamptz[]) AS i(profile_id, at) ON m.profile_id = i.profile_id AND m.at = i.at""")
                            .execute(Sql.tuple(Sql.texts(instants.stream().map(i -> (String) i.get(0)).toList()),
                                    Sql.times(instants.stream().map(i -> (Instant) i.get(1)).toList())))
                            .chain(same -> {
                                SegmentRollups rollups = SegmentRollups.of(fresh, read(same));
                                return Uni.combine().all().unis(known(sql, fresh), changes(sql, rollups.changes()),
                                        moves(sql, rollups.moves())).discardItems();
                            });
                });
    }

    private static List<MembershipChange> read(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<MembershipChange> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new MembershipChange(r.getString(0), r.getString(2), Sql.instant(r.getOffsetDateTime(1)), r.getBoolean(3)));
        }
        return out;
    }

    private Uni<Void> known(SqlClient sql, List<MembershipChange> fresh) {
        Map<String, Instant> first = new TreeMap<>();
        fresh.forEach(c -> first.merge(c.segmentId(), c.at(), (a, b) -> a.isBefore(b) ? a : b));
        List<String> ids = List.copyOf(first.keySet());
        return sql.preparedQuery("""
                INSERT INTO segment (segment_id, first_seen_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])
                ON CONFLICT (segment_id) DO NOTHING""")
                .execute(Sql.tuple(Sql.texts(ids), Sql.times(ids.stream().map(first::get).toList()))).replaceWithVoid();
    }

    private Uni<Void> changes(SqlClient sql, Map<SegmentRollups.Key, long[]> changes) {
        List<Map.Entry<SegmentRollups.Key, long[]>> rows = List.copyOf(changes.entrySet());
        return sql.preparedQuery("""
                INSERT INTO segment_rollup (segment_id, grain, bucket, entries, exits)
                SELECT * FROM unnest($1::text[], $2::int2[], $3::timestamptz[], $4::bigint[], $5::bigint[])
                ON CONFLICT (segment_id, grain, bucket) DO UPDATE
                SET entries = segment_rollup.entries + EXCLUDED.entries, exits = segment_rollup.exits + EXCLUDED.exits""")
                .execute(Sql.tuple(Sql.texts(rows.stream().map(e -> e.getKey().segmentId()).toList()),
                        rows.stream().map(e -> e.getKey().grain().code()).toArray(Short[]::new),
                        Sql.times(rows.stream().map(e -> e.getKey().bucket()).toList()),
                        rows.stream().map(e -> e.getValue()[0]).toArray(Long[]::new),
                        rows.stream().map(e -> e.getValue()[1]).toArray(Long[]::new)))
                .replaceWithVoid();
    }

    private Uni<Void> moves(SqlClient sql, Map<SegmentRollups.MoveKey, Long> moves) {
        if (moves.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<SegmentRollups.MoveKey, Long>> rows = List.copyOf(moves.entrySet());
        return sql.preparedQuery("""
                INSERT INTO segment_move_rollup (from_segment, to_segment, grain, bucket, moves)
                SELECT * FROM unnest($1::text[], $2::text[], $3::int2[], $4::timestamptz[], $5::bigint[])
                ON CONFLICT (from_segment, to_segment, grain, bucket) DO UPDATE SET moves = segment_move_rollup.moves + EXCLUDED.moves""")
                .execute(Sql.tuple(Sql.texts(rows.stream().map(e -> e.getKey().from()).toList()),
                        Sql.texts(rows.stream().map(e -> e.getKey().to()).toList()),
                        rows.stream().map(e -> e.getKey().grain().code()).toArray(Short[]::new),
                        Sql.times(rows.stream().map(e -> e.getKey().bucket()).toList()),
                        rows.stream().map(Map.Entry::getValue).toArray(Long[]::new)))
                .replaceWithVoid();
    }
}
