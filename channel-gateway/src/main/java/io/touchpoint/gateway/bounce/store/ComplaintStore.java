package io.touchpoint.gateway.bounce.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class ComplaintStore {

    /** False when this report was recorded before. */
    public Uni<Boolean> record(SqlClient sql, String reportId, String deliveryId, String profileId, String feedbackType,
            String userAgent, boolean complaint, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO delivery_complaint (report_id, delivery_id, profile_id, feedback_type, user_agent, complaint, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (report_id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(reportId, deliveryId, profileId, feedbackType, userAgent, complaint, ts(at))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** How many reports complained of the delivery (abuse, fraud), this one included. */
    public Uni<Long> complaints(SqlClient sql, String deliveryId) {
        return sql.preparedQuery("SELECT count(*) FROM delivery_complaint WHERE delivery_id = $1 AND complaint")
                .execute(Tuple.of(deliveryId)).map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> forget(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM delivery_complaint WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
