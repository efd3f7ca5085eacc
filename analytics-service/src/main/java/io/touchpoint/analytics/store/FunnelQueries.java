package io.touchpoint.analytics.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.delivery.domain.Dimension;
import io.touchpoint.analytics.delivery.domain.FunnelQuery;
import io.touchpoint.analytics.delivery.domain.FunnelRow;
import io.touchpoint.analytics.delivery.domain.MessageRollups;
import io.touchpoint.analytics.time.domain.BucketRange;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Funnels from the message rollups: each period of the grid read as whole UTC days, hours and
 * quarters ({@link BucketRange}), summed per period and group. The statement names only the filters
 * given, so each shape gets a plan that uses the right index (the journey's, or time for reports
 * across journeys).
 */
@ApplicationScoped
class FunnelQueries {

    private final Pool pool;

    FunnelQueries(Pool pool) {
        this.pool = pool;
    }

    Uni<List<FunnelRow>> funnel(FunnelQuery q) {
        List<BucketRange> ranges = q.grid().bucketRanges();
        List<Object> params = new ArrayList<>();
        params.add(ranges.stream().map(r -> r.grain().code()).toArray(Short[]::new));
        params.add(Sql.times(ranges.stream().map(BucketRange::from).toList()));
        params.add(Sql.times(ranges.stream().map(BucketRange::to).toList()));
        params.add(ranges.stream().map(BucketRange::period).toArray(Integer[]::new));
        StringBuilder where = new StringBuilder();
        for (Map.Entry<Dimension, String> f : q.filter().values().entrySet()) {
            params.add(f.getValue());
            where.append(" AND m.").append(f.getKey().column()).append(" = $").append(params.size());
        }
        String groups = q.groupBy().stream().map(d -> ", m." + d.column()).collect(Collectors.joining());
        String sums = MessageTables.rollupColumns().stream().map(c -> "sum(m." + c + ")::bigint").collect(Collectors.joining(", "));
        // One index range scan per bucket range. As a plain join PostgreSQL hashes on the grain alone and
        // tests every row of the journey against every range (90 ranges × 15,000 rows for a journey's 90
        // days); OFFSET 0 keeps the lateral subquery from being pulled up into that join.
        String ranged = " FROM unnest($1::int2[], $2::timestamptz[], $3::timestamptz[], $4::int[]) AS r(grain, s, e, period)"
                + " CROSS JOIN LATERAL (SELECT * FROM %s m WHERE m.grain = r.grain AND m.bucket >= r.s AND m.bucket < r.e"
                + where + " OFFSET 0) m";
        String counts = "SELECT r.period" + groups + ", " + sums + ranged.formatted("message_rollup") + " GROUP BY r.period" + groups;
        String reasons = "SELECT r.period" + groups + ", m.reason, sum(m.messages)::bigint" + ranged.formatted("suppression_rollup")
                + " GROUP BY r.period" + groups + ", m.reason";
        var tuple = Sql.tupleOf(params);
        int g = q.groupBy().size();
        return Uni.combine().all().unis(pool.preparedQuery(counts).execute(tuple), pool.preparedQuery(reasons).execute(tuple))
                .asTuple().map(both -> {
                    List<FunnelRow> out = new ArrayList<>();
                    for (Row r : both.getItem1()) {
                        long[] values = new long[MessageRollups.WIDTH];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = r.getLong(1 + g + i);
                        }
                        out.add(new FunnelRow(r.getInteger(0), group(r, g), values, null, 0));
                    }
                    for (Row r : both.getItem2()) {
                        out.add(new FunnelRow(r.getInteger(0), group(r, g), null, r.getString(1 + g), r.getLong(2 + g)));
                    }
                    return out;
                });
    }

    private static List<String> group(Row r, int size) {
        List<String> group = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            group.add(r.getString(1 + i));
        }
        return group;
    }
}
