package io.touchpoint.analytics.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.cohort.domain.CohortCounts;
import io.touchpoint.analytics.cohort.domain.CohortQuery;
import io.touchpoint.analytics.time.domain.Granularity;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Retention from the cohort anchors and the tracked events, in the reader's zone: periods are counted
 * on local dates and local wall-clock time, so a daylight-saving change moves no event into the
 * wrong week or month.
 */
@ApplicationScoped
class CohortQueries {

    private final Pool pool;

    CohortQueries(Pool pool) {
        this.pool = pool;
    }

    Uni<CohortCounts> cohorts(CohortQuery q) {
        String column = q.anchor().column();
        boolean weeks = q.cohorts().granularity() == Granularity.WEEK;
        String event = "e.at AT TIME ZONE $6";
        String anchor = "c.anchor AT TIME ZONE $6";
        String period = switch (q.kind()) {
            case CALENDAR -> weeks
                    ? "(date_trunc('week', %1$s)::date - date_trunc('week', %2$s)::date) / 7".formatted(event, anchor)
                    : "((extract(year FROM %1$s) * 12 + extract(month FROM %1$s)) - (extract(year FROM %2$s) * 12 + extract(month FROM %2$s)))::int"
                            .formatted(event, anchor);
            case ROLLING -> weeks
                    ? "floor(extract(epoch FROM (%1$s) - (%2$s)) / 604800)::int".formatted(event, anchor)
                    : "(extract(year FROM age(%1$s, %2$s)) * 12 + extract(month FROM age(%1$s, %2$s)))::int".formatted(event, anchor);
        };
        String sql = """
                WITH c AS (
                  SELECT a.profile_id, a.%1$s AS anchor, p.i AS cohort
                  FROM unnest($1::timestamptz[], $2::timestamptz[], $3::int[]) AS p(s, e, i)
                  JOIN profile_anchor a ON a.%1$s >= p.s AND a.%1$s < p.e),
                act AS (
                  SELECT c.cohort, %2$s AS k, count(DISTINCT c.profile_id) AS active
                  FROM c JOIN interaction_event e ON e.profile_id = c.profile_id AND e.event = $4 AND e.at >= c.anchor
                  GROUP BY 1, 2)
                SELECT 0, cohort, NULL::int, count(*) FROM c GROUP BY cohort
                UNION ALL
                SELECT 1, cohort, k, active FROM act WHERE k < $5""".formatted(column, period);
        TimeGrid grid = q.cohorts();
        return pool.preparedQuery(sql).execute(Sql.tuple(Sql.times(grid.periods().stream().map(TimeGrid.Period::start).toList()),
                Sql.times(grid.periods().stream().map(TimeGrid.Period::end).toList()),
                grid.periods().stream().map(TimeGrid.Period::index).toArray(Integer[]::new), q.activityEvent(), q.periods(),
                grid.zone().getId()))
                .map(rows -> {
                    int n = grid.periods().size();
                    long[] sizes = new long[n];
                    long[][] active = new long[n][q.periods()];
                    for (Row r : rows) {
                        if (r.getInteger(0) == 0) {
                            sizes[r.getInteger(1)] = r.getLong(3);
                        } else {
                            active[r.getInteger(1)][r.getInteger(2)] = r.getLong(3);
                        }
                    }
                    return new CohortCounts(sizes, active);
                });
    }
}
