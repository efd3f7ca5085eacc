package io.touchpoint.platform.erasure;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Receipts of the erasures this service obeyed: the erasure id and two instants, no personal data. */
@ApplicationScoped
public class ErasureReceiptStore {

    public record ErasureReceipt(String erasureId, Instant requestedAt, Instant completedAt) {
    }

    private final Pool pool;

    ErasureReceiptStore(Pool pool) {
        this.pool = pool;
    }

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

    public Uni<Optional<ErasureReceipt>> find(String erasureId) {
        return pool.preparedQuery("SELECT erasure_id, requested_at, completed_at FROM erasure_receipt WHERE erasure_id = $1")
                .execute(Tuple.of(erasureId))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next())
                                .map(r -> new ErasureReceipt(r.getString(0), instant(r.getOffsetDateTime(1)),
                                        instant(r.getOffsetDateTime(2)))));
    }
}
