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
public class BounceStore {

    /** False when this report was recorded before. */
    public Uni<Boolean> record(SqlClient sql, String reportId, String deliveryId, String profileId, boolean hard, String status,
            String diagnostic, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO delivery_bounce (report_id, delivery_id, profile_id, hard, status, diagnostic, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (report_id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(reportId, deliveryId, profileId, hard, status, diagnostic, ts(at))))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Long> softBounces(SqlClient sql, String deliveryId) {
        return sql.preparedQuery("SELECT count(*) FROM delivery_bounce WHERE delivery_id = $1 AND NOT hard")
                .execute(Tuple.of(deliveryId)).map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> forget(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM delivery_bounce WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
