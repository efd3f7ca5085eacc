package io.touchpoint.gateway.delivery.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The parts providers took, by their own ids, and the receipts they sent about them (V15). */
@ApplicationScoped
public class ReceiptStore {

    /** A receipt as the provider sent it. */
    public record Receipt(String providerId, boolean delivered, String status, String detail) {
    }

    /**
     * Serializes everything about these provider ids for the rest of the transaction: a receipt and
     * the recording of its part cannot then both miss each other. Ids are locked in one order (of
     * their hashes), in one statement, so two transactions never wait on each other crosswise.
     */
    public Uni<Void> lock(SqlClient sql, List<String> providerIds) {
        if (providerIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(id, 15) AS h FROM unnest($1::text[]) AS id
                ORDER BY h) AS ordered""").execute(Tuple.of(providerIds.toArray(String[]::new))).replaceWithVoid();
    }

    public Uni<Void> addParts(SqlClient sql, String requestId, List<String> providerIds, Instant now) {
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < providerIds.size(); i++) {
            rows.add(Tuple.of(providerIds.get(i), requestId, i + 1, ts(now)));
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                INSERT INTO delivery_part (provider_id, request_id, part, state, updated_at) VALUES ($1, $2, $3, 'accepted', $4)
                ON CONFLICT (provider_id) DO NOTHING""").executeBatch(rows).replaceWithVoid();
    }

    /** Records a receipt; false when it came before (a repeat changes nothing). */
    public Uni<Boolean> addReceipt(SqlClient sql, Receipt receipt, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO delivery_receipt (provider_id, delivered, status, detail, received_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (provider_id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(receipt.providerId(), receipt.delivered(), receipt.status(), receipt.detail(),
                        ts(now))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The receipts among these ids not applied yet (they came before their part was recorded). */
    public Uni<List<Receipt>> pending(SqlClient sql, List<String> providerIds) {
        return sql.preparedQuery("""
                SELECT provider_id, delivered, status, detail FROM delivery_receipt WHERE provider_id = ANY($1) AND NOT applied""")
                .execute(Tuple.of(providerIds.toArray(String[]::new))).map(rows -> {
                    List<Receipt> found = new ArrayList<>();
                    for (Row r : rows) {
                        found.add(new Receipt(r.getString(0), r.getBoolean(1), r.getString(2), r.getString(3)));
                    }
                    return found;
                });
    }

    /** The request whose part this is, when the part is recorded. */
    public Uni<Optional<String>> requestOf(SqlClient sql, String providerId) {
        return sql.preparedQuery("SELECT request_id FROM delivery_part WHERE provider_id = $1").execute(Tuple.of(providerId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
    }

    /** Moves a part from accepted to delivered or failed; false when it was final already. */
    public Uni<Boolean> settle(SqlClient sql, String providerId, boolean delivered, Instant now) {
        return sql.preparedQuery("""
                UPDATE delivery_part SET state = $2, updated_at = $3 WHERE provider_id = $1 AND state = 'accepted'""")
                .execute(Tuple.of(providerId, delivered ? "delivered" : "failed", ts(now))).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> applied(SqlClient sql, String providerId) {
        return sql.preparedQuery("UPDATE delivery_receipt SET applied = true WHERE provider_id = $1").execute(Tuple.of(providerId))
                .replaceWithVoid();
    }

    /** Parts of the request not reported delivered yet. */
    public Uni<Long> undelivered(SqlClient sql, String requestId) {
        return sql.preparedQuery("SELECT count(*) FROM delivery_part WHERE request_id = $1 AND state <> 'delivered'")
                .execute(Tuple.of(requestId)).map(rows -> rows.iterator().next().getLong(0));
    }
}
