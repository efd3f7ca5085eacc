package io.touchpoint.segmentation.membership.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The instants at which time-dependent memberships must be re-evaluated. */
@ApplicationScoped
public class DueStore {

    /**
     * Replaces the profile's timers for {@code segmentIds} with {@code due} (segment id to instant;
     * segments without an entry get no timer).
     */
    public Uni<Void> replace(SqlClient sql, String profileId, Collection<String> segmentIds, Map<String, Instant> due) {
        Uni<Void> cleared = sql.preparedQuery("DELETE FROM membership_due WHERE profile_id = $1 AND segment_id = ANY($2)")
                .execute(Tuple.of(profileId, segmentIds.toArray(String[]::new))).replaceWithVoid();
        if (due.isEmpty()) {
            return cleared;
        }
        String[] ids = due.keySet().toArray(String[]::new);
        OffsetDateTime[] at = due.keySet().stream().map(id -> ts(due.get(id))).toArray(OffsetDateTime[]::new);
        return cleared.chain(() -> sql.preparedQuery("""
                INSERT INTO membership_due (segment_id, profile_id, due_at)
                SELECT unnest($2::text[]), $1, unnest($3::timestamptz[])
                ON CONFLICT (profile_id, segment_id) DO UPDATE SET due_at = excluded.due_at""")
                .execute(Tuple.of(profileId, ids, at))).replaceWithVoid();
    }

    /**
     * A bulk pass's {@link #replace}: the timers of every profile in {@code profileIds} for
     * {@code segmentIds} become the given ones, in two statements for the whole page.
     */
    public Uni<Void> replacePage(SqlClient sql, String[] profileIds, Collection<String> segmentIds, List<String> dueProfiles,
            List<String> dueSegments, List<Instant> dueAt) {
        Uni<Void> cleared = sql.preparedQuery("DELETE FROM membership_due WHERE profile_id = ANY($1) AND segment_id = ANY($2)")
                .execute(Tuple.of(profileIds, segmentIds.toArray(String[]::new))).replaceWithVoid();
        if (dueAt.isEmpty()) {
            return cleared;
        }
        return cleared.chain(() -> sql.preparedQuery("""
                INSERT INTO membership_due (profile_id, segment_id, due_at)
                SELECT unnest($1::text[]), unnest($2::text[]), unnest($3::timestamptz[])
                ON CONFLICT (profile_id, segment_id) DO UPDATE SET due_at = excluded.due_at""")
                .execute(Tuple.of(dueProfiles.toArray(String[]::new), dueSegments.toArray(String[]::new),
                        dueAt.stream().map(at -> ts(at)).toArray(OffsetDateTime[]::new))))
                .replaceWithVoid();
    }

    /** Profiles with a timer due at {@code now}, the longest overdue first. */
    public Uni<List<String>> dueProfiles(SqlClient sql, Instant now, int limit) {
        return sql.preparedQuery("""
                SELECT profile_id FROM membership_due WHERE due_at <= $1
                GROUP BY profile_id ORDER BY min(due_at), profile_id LIMIT $2""")
                .execute(Tuple.of(ts(now), limit))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(r.getString(0));
                    }
                    return out;
                });
    }

    /** Drops the profile's timers that are due; the evaluation that follows sets the next ones. */
    public Uni<Void> clearDue(SqlClient sql, String profileId, Instant now) {
        return sql.preparedQuery("DELETE FROM membership_due WHERE profile_id = $1 AND due_at <= $2")
                .execute(Tuple.of(profileId, ts(now))).replaceWithVoid();
    }

    public Uni<Void> clearAll(SqlClient sql, String profileId) {
        return sql.preparedQuery("DELETE FROM membership_due WHERE profile_id = $1").execute(Tuple.of(profileId))
                .replaceWithVoid();
    }

    /** Moves a profile's due timers later: its evaluation failed, and retrying every tick would only repeat that. */
    public Uni<Void> postpone(SqlClient sql, String profileId, Instant now, Instant until) {
        return sql.preparedQuery("UPDATE membership_due SET due_at = $3 WHERE profile_id = $1 AND due_at <= $2")
                .execute(Tuple.of(profileId, ts(now), ts(until))).replaceWithVoid();
    }

    /** When the profile's timer for the segment fires, if it has one. */
    public Uni<Instant> dueAt(SqlClient sql, String segmentId, String profileId) {
        return sql.preparedQuery("SELECT due_at FROM membership_due WHERE segment_id = $1 AND profile_id = $2")
                .execute(Tuple.of(segmentId, profileId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getOffsetDateTime(0).toInstant() : null);
    }
}
