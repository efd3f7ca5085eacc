package io.touchpoint.analytics.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Profiles merged into another (profile-service resolved them to one person): their messages,
 * events, journey events and arms become the survivor's, so attribution, experiments and cohorts see
 * one person. Rollups hold no profile and do not change. Where both had an arm at the same split,
 * the survivor's stays.
 */
@ApplicationScoped
class MergeTables {

    Uni<Void> merge(SqlClient sql, String survivor, List<String> merged) {
        String[] ids = merged.stream().filter(id -> !id.equals(survivor)).sorted().toArray(String[]::new);
        if (ids.length == 0) {
            return Uni.createFrom().voidItem();
        }
        var params = Sql.tuple(survivor, ids);
        return sql.preparedQuery("UPDATE message SET profile_id = $1 WHERE profile_id = ANY($2::text[])").execute(params)
                .chain(() -> sql.preparedQuery("UPDATE interaction_event SET profile_id = $1 WHERE profile_id = ANY($2::text[])")
                        .execute(params))
                .chain(() -> sql.preparedQuery("UPDATE journey_event SET profile_id = $1 WHERE profile_id = ANY($2::text[])")
                        .execute(params))
                // One merged profile at a time: two of them may hold an arm at the same split.
                .chain(() -> Transactions.each(List.of(ids), id -> sql.preparedQuery("""
                        UPDATE assignment a SET profile_id = $1 WHERE a.profile_id = $2
                          AND NOT EXISTS (SELECT 1 FROM assignment s WHERE s.profile_id = $1 AND s.journey_id = a.journey_id
                                          AND s.node_id = a.node_id)""").execute(Sql.tuple(survivor, id))))
                .chain(() -> sql.preparedQuery("DELETE FROM assignment WHERE profile_id = ANY($2::text[]) AND $1::text IS NOT NULL")
                        .execute(params))
                .chain(() -> sql.preparedQuery("DELETE FROM profile_anchor WHERE profile_id = ANY($2::text[]) AND $1::text IS NOT NULL")
                        .execute(params))
                .replaceWithVoid();
    }
}
