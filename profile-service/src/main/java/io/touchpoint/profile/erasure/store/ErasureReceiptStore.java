package io.touchpoint.profile.erasure.store;

import static io.touchpoint.profile.platform.store.Json.ts;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class ErasureReceiptStore {

    /**
     * Records the receipt unless one exists, inside the caller's transaction: a redelivered erasure
     * event is a no-op.
     *
     * @return true when this call recorded it
     */
    public Uni<Boolean> recordOnce(SqlClient sql, String erasureId, Instant requestedAt, Instant completedAt) {
        return sql.preparedQuery("""
                INSERT INTO erasure_receipt (erasure_id, requested_at, completed_at) VALUES ($1, $2, $3)
                ON CONFLICT (erasure_id) DO NOTHING""")
                .execute(Tuple.of(erasureId, ts(requestedAt), ts(completedAt)))
                .map(rows -> rows.rowCount() == 1);
    }
}
