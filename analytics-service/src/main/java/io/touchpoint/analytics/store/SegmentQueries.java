package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.segment.domain.FlowCounts;
import io.touchpoint.analytics.time.domain.BucketRange;
import io.touchpoint.analytics.time.domain.Grain;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/**
 * Segment sizes and flows, exact at any instant: whole quarter hours (and the hours and days made of
 * them) come from the rollups, the part of a quarter before an instant from the transitions
 * themselves. The size at T counts the transitions before T, so sizes and flows over {@code [from, to)}
 * always add up.
 *
 * <p>Every query looks each range up on its own ({@code CROSS JOIN LATERAL}, aggregated inside so
 * PostgreSQL cannot flatten it into a join): joined to the ranges as a set, the planner cannot tell
 * that a range picks a few index entries, and at a million profiles it scanned whole tables (seconds
 * per report).
 */
@ApplicationScoped
class SegmentQueries {

    private static final String RANGES = "unnest($2::int2[], $3::timestamptz[], $4::timestamptz[], $5::int[]) AS r(grain, s, e, period)";

    private final Pool pool;

    SegmentQueries(Pool pool) {
        this.pool = pool;
    }

    /** @param points ascending */
    Uni<Map<String, long[]>> sizes(List<String> segments, List<Instant> points) {
        // Sizes add up every change since the segment's first day of rollups.
        return pool.preparedQuery("""
                SELECT s.segment_id, (SELECT min(bucket) FROM segment_rollup r WHERE r.segment_id = s.segment_id AND r.grain = 2)
                FROM segment s WHERE s.segment_id = ANY($1::text[])""")
                .execute(Sql.tuple((Object) Sql.texts(segments)))
                .chain(rows -> {
                    List<Uni<Void>> work = new ArrayList<>();
                    Map<String, long[]> out = new HashMap<>();
                    for (Row r : rows) {
                        String segment = r.getString(0);
                        if (r.getOffsetDateTime(1) == null) {
                            continue;
                        }
                        Instant origin = Grain.DAY.floor(Sql.instant(r.getOffsetDateTime(1)));
                        work.add(sizes(segment, origin, points).invoke(sizes -> out.put(segment, sizes)).replaceWithVoid());
                    }
                    segments.forEach(s -> out.putIfAbsent(s, new long[points.size()]));
                    return work.isEmpty() ? Uni.createFrom().item(out) : Uni.combine().all().unis(work).discardItems().replaceWith(out);
                });
    }

    private Uni<long[]> sizes(String segment, Instant origin, List<Instant> points) {
        List<BucketRange> ranges = new ArrayList<>();
        Instant previous = origin;
        for (int i = 0; i < points.size(); i++) {
            Instant floor = Grain.QUARTER.floor(points.get(i));
            Instant to = floor.isAfter(previous) ? floor : previous;
            ranges.addAll(BucketRange.cover(previous, to, i));
            previous = to;
        }
        Uni<RowSet<Row>> whole = pool.preparedQuery("SELECT r.period, sum(x.n)::bigint FROM " + RANGES
                + " CROSS JOIN LATERAL (SELECT sum(x.entries - x.exits) AS n FROM segment_rollup x WHERE x.segment_id = $1"
                + " AND x.grain = r.grain AND x.bucket >= r.s AND x.bucket < r.e GROUP BY x.segment_id) x GROUP BY r.period")
                .execute(rangeTuple(segment, ranges));
        Uni<RowSet<Row>> partial = pool.preparedQuery("""
                SELECT p.i, sum(m.n)::bigint FROM unnest($2::int[], $3::timestamptz[], $4::timestamptz[]) AS p(i, s, e)
                CROSS JOIN LATERAL (SELECT sum(CASE WHEN m.entered THEN 1 ELSE -1 END) AS n FROM membership_change m
                  WHERE m.segment_id = $1 AND m.at >= p.s AND m.at < p.e GROUP BY m.segment_id) m GROUP BY p.i""")
                .execute(Sql.tuple(segment, indexes(points.size()), Sql.times(points.stream().map(Grain.QUARTER::floor).toList()),
                        Sql.times(points)));
        return Uni.combine().all().unis(whole, partial).asTuple().map(both -> {
            long[] delta = new long[points.size()];
            both.getItem1().forEach(r -> delta[r.getInteger(0)] += r.getLong(1));
            long[] sizes = new long[points.size()];
            long running = 0;
            for (int i = 0; i < points.size(); i++) {
                running += delta[i];
                sizes[i] = running;
            }
            both.getItem2().forEach(r -> sizes[r.getInteger(0)] += r.getLong(1));
            return sizes;
        });
    }

    Uni<FlowCounts> flows(List<String> segments, Instant from, Instant to) {
        Instant wholeFrom = Grain.QUARTER.aligned(from) ? from : Grain.QUARTER.floor(from).plusSeconds(900);
        Instant wholeTo = Grain.QUARTER.floor(to);
        List<BucketRange> ranges = new ArrayList<>();
        List<Instant[]> edges = new ArrayList<>();
        if (wholeFrom.isBefore(wholeTo)) {
            ranges.addAll(BucketRange.cover(wholeFrom, wholeTo, 0));
            edges.add(new Instant[] { from, wholeFrom });
            edges.add(new Instant[] { wholeTo, to });
        } else {
            edges.add(new Instant[] { from, to });
        }
        String[] set = Sql.texts(segments);
        Uni<RowSet<Row>> changes = pool.preparedQuery("SELECT x.segment_id, sum(x.entries)::bigint, sum(x.exits)::bigint FROM " + RANGES
                + " CROSS JOIN LATERAL (SELECT x.segment_id, sum(x.entries) AS entries, sum(x.exits) AS exits FROM segment_rollup x"
                + " WHERE x.segment_id = ANY($1::text[]) AND x.grain = r.grain AND x.bucket >= r.s AND x.bucket < r.e GROUP BY x.segment_id) x"
                + " GROUP BY x.segment_id").execute(rangeTuple(set, ranges));
        Uni<RowSet<Row>> moves = pool.preparedQuery("SELECT x.from_segment, x.to_segment, sum(x.moves)::bigint FROM " + RANGES
                + " CROSS JOIN LATERAL (SELECT x.from_segment, x.to_segment, sum(x.moves) AS moves FROM segment_move_rollup x"
                + " WHERE x.from_segment = ANY($1::text[]) AND x.to_segment = ANY($1::text[])"
                + " AND x.grain = r.grain AND x.bucket >= r.s AND x.bucket < r.e GROUP BY x.from_segment, x.to_segment) x"
                + " GROUP BY x.from_segment, x.to_segment").execute(rangeTuple(set, ranges));
        var edgeTuple = Sql.tuple(set, Sql.times(edges.stream().map(e -> e[0]).toList()), Sql.times(edges.stream().map(e -> e[1]).toList()));
        Uni<RowSet<Row>> edgeChanges = pool.preparedQuery("""
                SELECT m.segment_id, sum(m.entries)::bigint, sum(m.exits)::bigint FROM unnest($2::timestamptz[], $3::timestamptz[]) AS p(s, e)
                CROSS JOIN LATERAL (SELECT m.segment_id, count(*) FILTER (WHERE m.entered) AS entries, count(*) FILTER (WHERE NOT m.entered) AS exits
                  FROM membership_change m WHERE m.segment_id = ANY($1::text[]) AND m.at >= p.s AND m.at < p.e GROUP BY m.segment_id) m
                GROUP BY m.segment_id""")
                .execute(edgeTuple);
        Uni<RowSet<Row>> edgeMoves = pool.preparedQuery("""
                SELECT m.from_segment, m.to_segment, sum(m.moves)::bigint FROM unnest($2::timestamptz[], $3::timestamptz[]) AS p(s, e)
                CROSS JOIN LATERAL (SELECT x.segment_id AS from_segment, n.segment_id AS to_segment, count(*) AS moves
                  FROM membership_change x
                  JOIN membership_change n ON n.profile_id = x.profile_id AND n.at = x.at AND n.entered AND n.segment_id = ANY($1::text[])
                  WHERE x.segment_id = ANY($1::text[]) AND NOT x.entered AND x.at >= p.s AND x.at < p.e GROUP BY 1, 2) m
                GROUP BY m.from_segment, m.to_segment""").execute(edgeTuple);
        return Uni.combine().all().unis(changes, moves, edgeChanges, edgeMoves, sizes(segments, List.of(from, to))).asTuple()
                .map(all -> {
                    Map<String, long[]> entriesExits = new HashMap<>();
                    for (RowSet<Row> rows : List.of(all.getItem1(), all.getItem3())) {
                        for (Row r : rows) {
                            long[] ee = entriesExits.computeIfAbsent(r.getString(0), k -> new long[2]);
                            ee[0] += r.getLong(1);
                            ee[1] += r.getLong(2);
                        }
                    }
                    Map<List<String>, Long> moved = new HashMap<>();
                    for (RowSet<Row> rows : List.of(all.getItem2(), all.getItem4())) {
                        for (Row r : rows) {
                            moved.merge(List.of(r.getString(0), r.getString(1)), r.getLong(2), Long::sum);
                        }
                    }
                    Map<String, Long> atFrom = new HashMap<>();
                    Map<String, Long> atTo = new HashMap<>();
                    all.getItem5().forEach((segment, sizes) -> {
                        atFrom.put(segment, sizes[0]);
                        atTo.put(segment, sizes[1]);
                    });
                    return new FlowCounts(segments, entriesExits, moved, atFrom, atTo);
                });
    }

    private static io.vertx.mutiny.sqlclient.Tuple rangeTuple(Object first, List<BucketRange> ranges) {
        return Sql.tuple(first, ranges.stream().map(r -> r.grain().code()).toArray(Short[]::new),
                Sql.times(ranges.stream().map(BucketRange::from).toList()), Sql.times(ranges.stream().map(BucketRange::to).toList()),
                ranges.stream().map(BucketRange::period).toArray(Integer[]::new));
    }

    private static Integer[] indexes(int n) {
        Integer[] out = new Integer[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
