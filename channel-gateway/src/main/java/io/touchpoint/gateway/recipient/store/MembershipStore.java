package io.touchpoint.gateway.recipient.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Each profile's segment memberships as segmentation-service publishes them (V25's
 * {@code recipient_segment}): a row per profile and segment, member or not since when.
 */
@ApplicationScoped
public class MembershipStore {

    /** One membership as held: in the segment or not, since {@code changedAt}. */
    public record Membership(String profileId, String segmentId, boolean member, Instant changedAt) {
    }

    /**
     * Records that the profile entered or left the segment at {@code at}, unless a later change of
     * that membership is held already (a late or replayed record changes nothing).
     *
     * @return true when recorded
     */
    public Uni<Boolean> apply(SqlClient sql, String profileId, String segmentId, boolean member, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO recipient_segment (profile_id, segment_id, member, changed_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (profile_id, segment_id) DO UPDATE SET member = excluded.member, changed_at = excluded.changed_at
                WHERE recipient_segment.changed_at <= excluded.changed_at""")
                .execute(Tuple.of(profileId, segmentId, member, ts(at)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The segments the profile is in now, in id order. */
    public Uni<Set<String>> segmentsOf(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT segment_id FROM recipient_segment WHERE profile_id = $1 AND member")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    Set<String> segments = new TreeSet<>();
                    rows.forEach(r -> segments.add(r.getString(0)));
                    return segments;
                });
    }

    /** Every membership held of these profiles, members or not. */
    public Uni<List<Membership>> of(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("""
                SELECT profile_id, segment_id, member, changed_at FROM recipient_segment WHERE profile_id = ANY($1)""")
                .execute(Tuple.of(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    List<Membership> all = new ArrayList<>();
                    for (Row r : rows) {
                        all.add(new Membership(r.getString(0), r.getString(1), r.getBoolean(2), instant(r.getOffsetDateTime(3))));
                    }
                    return all;
                });
    }

    public Uni<Void> delete(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM recipient_segment WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
