package io.touchpoint.segmentation.membership.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Current memberships and their history; PostgreSQL is the truth, Redis only a cache of it. */
@ApplicationScoped
public class MembershipStore {

    public record Member(String profileId, Instant enteredAt) {
    }

    /** Segment id to entered-at, for one profile. */
    public Uni<Map<String, Instant>> ofProfile(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT segment_id, entered_at FROM membership WHERE profile_id = $1 ORDER BY segment_id")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    Map<String, Instant> out = new LinkedHashMap<>();
                    rows.forEach(r -> out.put(r.getString(0), instant(r.getOffsetDateTime(1))));
                    return out;
                });
    }

    /** Per segment the profile has left, when it last left it. */
    public Uni<Map<String, Instant>> lastExits(SqlClient sql, String profileId) {
        return sql.preparedQuery("""
                SELECT segment_id, max(exited_at) FROM membership_history
                WHERE profile_id = $1 AND exited_at IS NOT NULL GROUP BY segment_id""")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    Map<String, Instant> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put(r.getString(0), instant(r.getOffsetDateTime(1))));
                    return out;
                });
    }

    /**
     * Enters the profile unless it is inside already.
     *
     * @return true when this call made the transition
     */
    public Uni<Boolean> enter(SqlClient sql, String segmentId, String profileId, long version, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO membership (segment_id, profile_id, segment_version, entered_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (segment_id, profile_id) DO NOTHING""")
                .execute(Tuple.of(segmentId, profileId, version, ts(at)))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : sql.preparedQuery("INSERT INTO membership_history (segment_id, profile_id, entered_at) VALUES ($1, $2, $3)")
                                .execute(Tuple.of(segmentId, profileId, ts(at))).replaceWith(true));
    }

    /**
     * Takes the profile out unless it is outside already.
     *
     * @return true when this call made the transition
     */
    public Uni<Boolean> exit(SqlClient sql, String segmentId, String profileId, Instant at) {
        return sql.preparedQuery("DELETE FROM membership WHERE segment_id = $1 AND profile_id = $2")
                .execute(Tuple.of(segmentId, profileId))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : sql.preparedQuery("""
                                UPDATE membership_history SET exited_at = $3
                                WHERE segment_id = $1 AND profile_id = $2 AND exited_at IS NULL""")
                                .execute(Tuple.of(segmentId, profileId, ts(at))).replaceWith(true));
    }

    public Uni<List<String>> memberIds(SqlClient sql, String segmentId, int limit) {
        return members(sql, segmentId, limit, null).map(l -> l.stream().map(Member::profileId).toList());
    }

    /** Members in profile id order after {@code after}. */
    public Uni<List<Member>> members(SqlClient sql, String segmentId, int limit, String after) {
        return sql.preparedQuery("""
                SELECT profile_id, entered_at FROM membership WHERE segment_id = $1 AND ($2::text IS NULL OR profile_id > $2)
                ORDER BY profile_id LIMIT $3""")
                .execute(Tuple.of(segmentId, after, limit))
                .map(rows -> {
                    List<Member> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Member(r.getString(0), instant(r.getOffsetDateTime(1))));
                    }
                    return out;
                });
    }

    public Uni<Long> size(SqlClient sql, String segmentId) {
        return sql.preparedQuery("SELECT count(*) FROM membership WHERE segment_id = $1").execute(Tuple.of(segmentId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Optional<Instant>> enteredAt(SqlClient sql, String segmentId, String profileId) {
        return sql.preparedQuery("SELECT entered_at FROM membership WHERE segment_id = $1 AND profile_id = $2")
                .execute(Tuple.of(segmentId, profileId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(instant(rows.iterator().next().getOffsetDateTime(0)))
                        : Optional.empty());
    }
}
