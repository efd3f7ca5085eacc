package io.touchpoint.gateway.delivery.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.store.Rows;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The parts providers took, by their own ids, and the receipts they sent about them (V15). */
@ApplicationScoped
public class ReceiptStore {

    /** A receipt as the provider sent it. */
    public record Receipt(String providerId, boolean delivered, String status, String detail) {
    }

    /**
     * Receipts not applied yet whose part is recorded, that came between {@code from} and
     * {@code to}, oldest first. Receipts without a part (of messages the ledger does not know) are
     * not among them, so they never hold back the ones that can apply.
     */
    public Uni<List<String>> pending(SqlClient sql, Instant from, Instant to, int limit) {
        return sql.preparedQuery("""
                SELECT r.provider_id FROM delivery_receipt AS r JOIN delivery_part AS p ON p.provider_id = r.provider_id
                WHERE NOT r.applied AND r.received_at >= $1 AND r.received_at < $2
                ORDER BY r.received_at LIMIT $3""").execute(Tuple.of(ts(from), ts(to), limit)).map(Rows::firstColumn);
    }

    /** The parts providers took, per request id in order (part 1, 2, ...), in one statement. */
    public Uni<Void> addParts(SqlClient sql, Map<String, List<String>> providerIdsByRequest, Instant now) {
        List<String> ids = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        providerIdsByRequest.forEach((request, providerIds) -> {
            for (int i = 0; i < providerIds.size(); i++) {
                ids.add(providerIds.get(i));
                requests.add(request);
                numbers.add(i + 1);
            }
        });
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                INSERT INTO delivery_part (provider_id, request_id, part, state, updated_at)
                SELECT p, r, n, 'accepted', $4 FROM unnest($1::text[], $2::text[], $3::int[]) AS u(p, r, n)
                ON CONFLICT (provider_id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(ids.toArray(String[]::new), requests.toArray(String[]::new),
                        numbers.toArray(Integer[]::new), ts(now))))
                .replaceWithVoid();
    }

    /** Records receipts of distinct ids in one statement; the ids that came for the first time (repeats change nothing). */
    public Uni<Set<String>> addReceipts(SqlClient sql, List<Receipt> receipts, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO delivery_receipt (provider_id, delivered, status, detail, received_at)
                SELECT p, d, s, x, $5 FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[]) AS u(p, d, s, x)
                ON CONFLICT (provider_id) DO NOTHING RETURNING provider_id""")
                .execute(Tuple.from(Arrays.asList(receipts.stream().map(Receipt::providerId).toArray(String[]::new),
                        receipts.stream().map(Receipt::delivered).toArray(Boolean[]::new),
                        receipts.stream().map(Receipt::status).toArray(String[]::new),
                        receipts.stream().map(Receipt::detail).toArray(String[]::new), ts(now))))
                .map(rows -> new HashSet<>(Rows.firstColumn(rows)));
    }

    /** A part a receipt settled: its request, and what the receipt said. */
    public record Settled(String providerId, String requestId, boolean delivered, String status, String detail) {
    }

    /**
     * Applies new receipts to their parts in one statement: a receipt whose part is recorded is
     * marked applied, and the part, when still accepted, becomes delivered or failed. Receipts whose
     * part is not recorded yet stay pending ({@link #pending}). Answers the parts that moved.
     */
    public Uni<List<Settled>> settleAll(SqlClient sql, List<String> providerIds, Instant now) {
        return sql.preparedQuery("""
                WITH applied AS (
                    UPDATE delivery_receipt AS r SET applied = true FROM delivery_part AS p
                    WHERE r.provider_id = ANY($1) AND p.provider_id = r.provider_id AND NOT r.applied
                    RETURNING r.provider_id, r.delivered, r.status, r.detail, p.state)
                UPDATE delivery_part AS p SET state = CASE WHEN a.delivered THEN 'delivered' ELSE 'failed' END, updated_at = $2
                FROM applied AS a WHERE p.provider_id = a.provider_id AND a.state = 'accepted'
                RETURNING p.provider_id, p.request_id, a.delivered, a.status, a.detail""")
                .execute(Tuple.of(providerIds.toArray(String[]::new), ts(now))).map(rows -> {
                    List<Settled> settled = new ArrayList<>();
                    rows.forEach(r -> settled.add(new Settled(r.getString(0), r.getString(1), r.getBoolean(2), r.getString(3),
                            r.getString(4))));
                    return settled;
                });
    }

    /** Per request, its parts not reported delivered yet (requests without parts are missing). */
    public Uni<Map<String, Long>> undeliveredOf(SqlClient sql, List<String> requestIds) {
        return sql.preparedQuery("""
                SELECT request_id, count(*) FILTER (WHERE state <> 'delivered') FROM delivery_part WHERE request_id = ANY($1)
                GROUP BY request_id""").execute(Tuple.of(requestIds.toArray(String[]::new))).map(rows -> {
                    Map<String, Long> open = new HashMap<>();
                    rows.forEach(r -> open.put(r.getString(0), r.getLong(1)));
                    return open;
                });
    }
}
