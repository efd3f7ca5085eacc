package io.touchpoint.gateway.recipient.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Profiles merged into another (V25's {@code recipient_merged}): their late or replayed records are ignored. */
@ApplicationScoped
public class MergeStore {

    public Uni<Void> record(SqlClient sql, List<String> merged, String into, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO recipient_merged (profile_id, into_profile_id, merged_at)
                SELECT id, $2, $3 FROM unnest($1::text[]) AS ids(id) ON CONFLICT (profile_id) DO NOTHING""")
                .execute(Tuple.of(merged.toArray(String[]::new), into, ts(at))).replaceWithVoid();
    }

    /** Those of these profiles that were merged into another. */
    public Uni<Set<String>> mergedOf(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("SELECT profile_id FROM recipient_merged WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).map(rows -> {
                    Set<String> merged = new HashSet<>();
                    rows.forEach(r -> merged.add(r.getString(0)));
                    return merged;
                });
    }

    public Uni<Boolean> merged(SqlClient sql, String profileId) {
        return mergedOf(sql, List.of(profileId)).map(merged -> !merged.isEmpty());
    }

    /** An erasure: the erased profiles and those merged into them leave no trace here either. */
    public Uni<Void> delete(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM recipient_merged WHERE profile_id = ANY($1) OR into_profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
