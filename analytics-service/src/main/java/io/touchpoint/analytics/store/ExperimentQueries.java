package io.touchpoint.analytics.store;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.experiment.domain.ArmTotals;
import io.touchpoint.analytics.experiment.domain.ExperimentQuery;
import io.touchpoint.analytics.experiment.domain.MeanComparison;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Experiments from the facts: each assigned profile's goal events in the window after its
 * assignment (strictly after: the event that entered it into the journey is not its own conversion),
 * aggregated per arm, or per group and arm, as counts and moments.
 */
@ApplicationScoped
class ExperimentQueries {

    private static final String PER_PROFILE = """
            per AS (
              SELECT a.grp, a.arm, a.profile_id, count(e.at) AS events,
                     COALESCE(sum((e.numbers ->> $6::text)::numeric), 0)::float8 AS revenue
              FROM a LEFT JOIN interaction_event e ON e.profile_id = a.profile_id AND e.event = ANY($5::text[])
                AND e.at > a.assigned_at AND e.at <= a.assigned_at + make_interval(secs => $7)
              GROUP BY a.grp, a.arm, a.profile_id)
            SELECT grp, arm, count(*), count(*) FILTER (WHERE events > 0), sum(events)::float8, sum(events * events)::float8,
                   sum(revenue), sum(revenue * revenue)
            FROM per GROUP BY grp, arm ORDER BY grp NULLS LAST, arm""";

    private final Pool pool;

    ExperimentQueries(Pool pool) {
        this.pool = pool;
    }

    Uni<List<String>> splits(String journeyId) {
        return pool.preparedQuery("SELECT DISTINCT node_id FROM assignment WHERE journey_id = $1 ORDER BY node_id")
                .execute(Sql.tuple(journeyId)).map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    Uni<List<ArmTotals>> arms(ExperimentQuery q) {
        String sql = """
                WITH a AS (
                  SELECT NULL::text AS grp, profile_id, arm, assigned_at FROM assignment
                  WHERE journey_id = $1 AND node_id = $2 AND assigned_at >= $3 AND assigned_at < $4),
                """ + PER_PROFILE;
        return run(sql, q, null);
    }

    Uni<List<ArmTotals>> groups(ExperimentQuery q) {
        String sql = """
                WITH a AS (
                  SELECT (SELECT s.seg FROM unnest($8::text[]) WITH ORDINALITY AS s(seg, ord)
                          WHERE (SELECT mc.entered FROM membership_change mc
                                 WHERE mc.profile_id = x.profile_id AND mc.segment_id = s.seg AND mc.at <= x.assigned_at
                                 ORDER BY mc.at DESC LIMIT 1)
                          ORDER BY s.ord LIMIT 1) AS grp,
                         x.profile_id, x.arm, x.assigned_at
                  FROM assignment x WHERE x.journey_id = $1 AND x.node_id = $2 AND x.assigned_at >= $3 AND x.assigned_at < $4),
                """ + PER_PROFILE;
        return run(sql, q, Sql.texts(q.groups()));
    }

    private Uni<List<ArmTotals>> run(String sql, ExperimentQuery q, String[] groups) {
        List<Object> params = new ArrayList<>(List.of(q.journeyId(), q.nodeId(), Sql.ts(q.from()), Sql.ts(q.to()),
                Sql.texts(q.goal().events())));
        params.add(q.goal().revenueProperty());
        params.add((double) q.windowDays() * 86_400);
        if (groups != null) {
            params.add(groups);
        }
        return pool.preparedQuery(sql).execute(Sql.tupleOf(params)).map(rows -> {
            List<ArmTotals> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new ArmTotals(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3),
                        new MeanComparison.Moments(r.getLong(2), r.getDouble(4), r.getDouble(5)),
                        new MeanComparison.Moments(r.getLong(2), r.getDouble(6), r.getDouble(7))));
            }
            return out;
        });
    }
}
