package io.touchpoint.platform.wakeup;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class WakeupStore {

    /** Schedules, or moves, the wake-up of (kind, key), in the caller's transaction. */
    public Uni<Void> schedule(SqlClient sql, String kind, String key, Instant dueAt, String payload) {
        return sql.preparedQuery("""
                INSERT INTO wakeup (kind, wakeup_key, due_at, payload) VALUES ($1, $2, $3, $4::text::jsonb)
                ON CONFLICT (kind, wakeup_key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload""")
                .execute(Tuple.of(kind, key, ts(dueAt), payload)).replaceWithVoid();
    }

    /** Wake-ups of one kind, due at one instant, without payload: one statement for all. */
    public Uni<Void> scheduleAll(SqlClient sql, String kind, List<String> keys, Instant dueAt) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                INSERT INTO wakeup (kind, wakeup_key, due_at) SELECT $1, k, $3 FROM unnest($2::text[]) AS u(k)
                ON CONFLICT (kind, wakeup_key) DO UPDATE SET due_at = excluded.due_at, payload = NULL""")
                .execute(Tuple.of(kind, keys.stream().distinct().sorted().toArray(String[]::new), ts(dueAt))).replaceWithVoid();
    }

    public Uni<Boolean> cancel(SqlClient sql, String kind, String key) {
        return sql.preparedQuery("DELETE FROM wakeup WHERE kind = $1 AND wakeup_key = $2")
                .execute(Tuple.of(kind, key)).map(rows -> rows.rowCount() > 0);
    }

    /** Erasure and merges: every wake-up whose key starts with one of the prefixes (e.g. a profile id and a colon). */
    public Uni<Void> cancelByKeyPrefix(SqlClient sql, List<String> prefixes) {
        return sql.preparedQuery("DELETE FROM wakeup WHERE wakeup_key LIKE ANY($1)")
                .execute(Tuple.of(prefixes.stream().map(p -> p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                        .toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Due wake-ups in due order, locked so another replica claims different ones. */
    public Uni<List<Wakeup>> claimDue(SqlClient sql, Instant now, int limit) {
        return sql.preparedQuery("""
                SELECT id, kind, wakeup_key, due_at, payload::text FROM wakeup WHERE due_at <= $1
                ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(ts(now), limit))
                .map(rows -> {
                    List<Wakeup> due = new ArrayList<>();
                    for (Row r : rows) {
                        due.add(new Wakeup(r.getLong(0), r.getString(1), r.getString(2), instant(r.getOffsetDateTime(3)),
                                r.getString(4)));
                    }
                    return due;
                });
    }

    public Uni<Void> remove(SqlClient sql, long id) {
        return sql.preparedQuery("DELETE FROM wakeup WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /** The earliest instant anything waits for: an index lookup, whatever the number waiting. */
    public Uni<Optional<Instant>> nextDue(SqlClient sql) {
        return sql.query("SELECT min(due_at) FROM wakeup").execute()
                .map(rows -> Optional.ofNullable(instant(rows.iterator().next().getOffsetDateTime(0))));
    }

    public Uni<Long> count(SqlClient sql, String kind) {
        return sql.preparedQuery("SELECT count(*) FROM wakeup WHERE kind = $1").execute(Tuple.of(kind))
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
