package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.goal.domain.Goal;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/** The conversion goals, by key. */
@ApplicationScoped
class GoalTable {

    private static final String COLUMNS = "goal_key, name, description, events, revenue_property, created_at, updated_at";

    private final Pool pool;

    GoalTable(Pool pool) {
        this.pool = pool;
    }

    Uni<Optional<Goal>> find(String key) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM goal WHERE goal_key = $1").execute(Sql.tuple(key))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
    }

    Uni<List<Goal>> page(String after, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM goal WHERE goal_key > $1 ORDER BY goal_key LIMIT $2")
                .execute(Sql.tuple(after, limit)).map(rows -> {
                    List<Goal> out = new ArrayList<>();
                    rows.forEach(r -> out.add(read(r)));
                    return out;
                });
    }

    /** @return the goal as stored, and whether it was new, changed or the same */
    Uni<AnalyticsStore.Saved<Goal>> put(Goal goal, Instant now) {
        return pool.withTransaction(sql -> sql.preparedQuery("SELECT " + COLUMNS + " FROM goal WHERE goal_key = $1 FOR UPDATE")
                .execute(Sql.tuple(goal.key())).chain(rows -> {
                    Goal existing = rows.rowCount() == 0 ? null : read(rows.iterator().next());
                    if (existing != null && existing.sameDefinition(goal)) {
                        return Uni.createFrom().item(new AnalyticsStore.Saved<>(existing, AnalyticsStore.Outcome.UNCHANGED));
                    }
                    Instant created = existing == null ? now : existing.createdAt();
                    Goal stored = new Goal(goal.key(), goal.name(), goal.description(), goal.events(), goal.revenueProperty(), created, now);
                    return sql.preparedQuery("""
                            INSERT INTO goal (goal_key, name, description, events, revenue_property, created_at, updated_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7)
                            ON CONFLICT (goal_key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
                              events = EXCLUDED.events, revenue_property = EXCLUDED.revenue_property, updated_at = EXCLUDED.updated_at""")
                            .execute(Sql.tuple(goal.key(), goal.name(), goal.description(), Sql.texts(goal.events()),
                                    goal.revenueProperty(), Sql.ts(created), Sql.ts(now)))
                            .replaceWith(new AnalyticsStore.Saved<>(stored,
                                    existing == null ? AnalyticsStore.Outcome.CREATED : AnalyticsStore.Outcome.UPDATED));
                }));
    }

    Uni<Boolean> delete(String key) {
        return pool.preparedQuery("DELETE FROM goal WHERE goal_key = $1").execute(Sql.tuple(key)).map(rows -> rows.rowCount() == 1);
    }

    private static Goal read(Row r) {
        return new Goal(r.getString(0), r.getString(1), r.getString(2), Arrays.asList(r.getArrayOfStrings(3)), r.getString(4),
                Sql.instant(r.getOffsetDateTime(5)), Sql.instant(r.getOffsetDateTime(6)));
    }
}
