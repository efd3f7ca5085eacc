package io.touchpoint.analytics.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A GDPR erasure deletes every fact about the person (messages and their delivery events, tracked
 * events, journey events, arms, membership transitions, cohort anchors), in the platform's erasure
 * transaction. The rollups stay: they are counts that name nobody, so a report of a past period
 * does not change because someone in it was later forgotten. Reports computed from facts
 * (attribution, experiments, campaign effect, cohorts) no longer include the person.
 */
@ApplicationScoped
class AnalyticsEraser implements ErasureHandler {

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        var ids = Sql.tuple((Object) profileIds.stream().sorted().toArray(String[]::new));
        return sql.preparedQuery("""
                DELETE FROM delivery_event d USING message m WHERE m.profile_id = ANY($1::text[]) AND d.request_id = m.request_id""")
                .execute(ids)
                .chain(() -> sql.preparedQuery("DELETE FROM message WHERE profile_id = ANY($1::text[])").execute(ids))
                .chain(() -> sql.preparedQuery("DELETE FROM interaction_event WHERE profile_id = ANY($1::text[])").execute(ids))
                .chain(() -> sql.preparedQuery("DELETE FROM journey_event WHERE profile_id = ANY($1::text[])").execute(ids))
                .chain(() -> sql.preparedQuery("DELETE FROM assignment WHERE profile_id = ANY($1::text[])").execute(ids))
                .chain(() -> sql.preparedQuery("DELETE FROM membership_change WHERE profile_id = ANY($1::text[])").execute(ids))
                .chain(() -> sql.preparedQuery("DELETE FROM profile_anchor WHERE profile_id = ANY($1::text[])").execute(ids))
                .replaceWithVoid();
    }
}
