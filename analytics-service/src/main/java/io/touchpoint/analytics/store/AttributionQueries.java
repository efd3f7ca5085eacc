package io.touchpoint.analytics.store;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.conversion.domain.Attribution;
import io.touchpoint.analytics.conversion.domain.AttributionQuery;
import io.touchpoint.analytics.conversion.domain.AttributionRow;
import io.touchpoint.analytics.delivery.domain.Dimension;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Last-touch attribution, computed when asked (the window and the touch are the report's): every
 * goal event in the range looks up the profile's last touching message within the window before it.
 */
@ApplicationScoped
class AttributionQueries {

    private final Pool pool;

    AttributionQueries(Pool pool) {
        this.pool = pool;
    }

    Uni<Attribution> attribute(AttributionQuery q) {
        TimeGrid grid = q.grid();
        List<Object> params = new ArrayList<>();
        params.add(Sql.texts(q.goal().events()));
        params.add(q.goal().revenueProperty());
        params.add(Sql.ts(grid.from()));
        params.add(Sql.ts(grid.to()));
        params.add((double) q.windowDays() * 86_400);
        params.add(Sql.times(grid.periods().stream().map(TimeGrid.Period::start).toList()));
        params.add(Sql.times(grid.periods().stream().map(TimeGrid.Period::end).toList()));
        params.add(grid.periods().stream().map(TimeGrid.Period::index).toArray(Integer[]::new));
        StringBuilder where = new StringBuilder();
        for (Map.Entry<Dimension, String> f : q.filter().values().entrySet()) {
            params.add(f.getValue());
            where.append(" AND a.").append(f.getKey().column()).append(" = $").append(params.size());
        }
        String touch = q.touch().sql();
        String groupCols = q.groupBy().stream().map(d -> "a." + d.column()).collect(Collectors.joining(", "));
        String select = q.groupBy().stream().map(d -> ", a." + d.column()).collect(Collectors.joining());
        String nulls = q.groupBy().stream().map(d -> ", NULL::text").collect(Collectors.joining());
        String sets = q.groupBy().isEmpty() ? "(p.i), ()" : "(p.i, " + groupCols + "), (" + groupCols + "), ()";
        String sql = """
                WITH conv AS (
                  SELECT e.profile_id, e.at, COALESCE((e.numbers ->> $2::text)::numeric, 0) AS revenue
                  FROM interaction_event e WHERE e.event = ANY($1::text[]) AND e.at >= $3 AND e.at < $4),
                att AS MATERIALIZED (
                  SELECT c.profile_id, c.at, c.revenue, t.request_id, t.journey_id, t.node_id, t.template_id, t.channel, t.arm
                  FROM conv c LEFT JOIN LATERAL (
                    SELECT m.request_id, m.journey_id, m.node_id, m.template_id, m.channel, m.arm FROM message m
                    WHERE m.profile_id = c.profile_id AND %1$s <= c.at AND %1$s > c.at - make_interval(secs => $5)
                    ORDER BY %1$s DESC, m.request_id DESC LIMIT 1) t ON true)
                SELECT 0 AS kind, grouping(p.i) AS all_periods, p.i%2$s, count(*), count(DISTINCT a.profile_id), sum(a.revenue)
                FROM att a JOIN unnest($6::timestamptz[], $7::timestamptz[], $8::int[]) AS p(s, e, i) ON a.at >= p.s AND a.at < p.e
                WHERE a.request_id IS NOT NULL%3$s
                GROUP BY GROUPING SETS (%4$s)
                UNION ALL
                SELECT 1, 1, NULL%5$s, count(*), count(DISTINCT a.profile_id), COALESCE(sum(a.revenue), 0)
                FROM att a WHERE a.request_id IS NULL""".formatted(touch, select, where, sets, nulls);
        List<Object> recipientParams = new ArrayList<>(List.of(Sql.ts(grid.from()), Sql.ts(grid.to())));
        StringBuilder recipientWhere = new StringBuilder();
        for (Map.Entry<Dimension, String> f : q.filter().values().entrySet()) {
            recipientParams.add(f.getValue());
            recipientWhere.append(" AND a.").append(f.getKey().column()).append(" = $").append(recipientParams.size());
        }
        String recipientSets = q.groupBy().isEmpty() ? "()" : "(" + groupCols + "), ()";
        String recipients = "SELECT " + (q.groupBy().isEmpty() ? "true" : "grouping(" + groupCols + ") > 0") + " AS everything" + select
                + ", count(DISTINCT a.profile_id) FROM message a WHERE a.sent_at >= $1 AND a.sent_at < $2" + recipientWhere
                + " GROUP BY GROUPING SETS (" + recipientSets + ")";
        int g = q.groupBy().size();
        return Uni.combine().all().unis(pool.preparedQuery(sql).execute(Sql.tupleOf(params)),
                pool.preparedQuery(recipients).execute(Sql.tupleOf(recipientParams))).asTuple().map(both -> {
                    List<AttributionRow> rows = new ArrayList<>();
                    long unConversions = 0;
                    long unConverters = 0;
                    BigDecimal unRevenue = BigDecimal.ZERO;
                    for (Row r : both.getItem1()) {
                        if (r.getInteger(0) == 1) {
                            unConversions = r.getLong(3 + g);
                            unConverters = r.getLong(4 + g);
                            unRevenue = r.getBigDecimal(5 + g);
                            continue;
                        }
                        boolean allPeriods = r.getInteger(1) == 1;
                        List<String> group = group(r, 3, g);
                        rows.add(new AttributionRow(allPeriods ? null : r.getInteger(2), group, r.getLong(3 + g), r.getLong(4 + g),
                                r.getBigDecimal(5 + g)));
                    }
                    Map<List<String>, Long> recipientsByGroup = new HashMap<>();
                    for (Row r : both.getItem2()) {
                        recipientsByGroup.put(r.getBoolean(0) ? null : group(r, 1, g), r.getLong(1 + g));
                    }
                    return new Attribution(rows, recipientsByGroup, unConversions, unConverters, unRevenue);
                });
    }

    /** A group's values, or null when the row is over all groups (its group columns are null). */
    private static List<String> group(Row r, int first, int size) {
        if (size == 0) {
            return List.of();
        }
        List<String> group = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            group.add(r.getString(first + i));
        }
        return group.stream().allMatch(java.util.Objects::isNull) ? null : group;
    }
}
