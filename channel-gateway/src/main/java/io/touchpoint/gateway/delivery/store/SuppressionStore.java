package io.touchpoint.gateway.delivery.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.SuppressionReason;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The suppression list: addresses (normalized by the caller) with why. */
@ApplicationScoped
public class SuppressionStore {

    public record Entry(String channel, String address, SuppressionReason reason, String detail, Instant createdAt) {
    }

    /** Adds the address, or replaces the reason of one already listed. */
    public Uni<Entry> put(SqlClient sql, Entry entry) {
        return sql.preparedQuery("""
                INSERT INTO suppression (channel, address, reason, detail, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (channel, address) DO UPDATE SET reason = excluded.reason, detail = excluded.detail
                RETURNING channel, address, reason, detail, created_at""")
                .execute(Tuple.from(Arrays.asList(entry.channel(), entry.address(), entry.reason().code(), entry.detail(),
                        ts(entry.createdAt()))))
                .map(rows -> read(rows.iterator().next()));
    }

    public Uni<Optional<Entry>> find(SqlClient sql, String channel, String address) {
        return sql.preparedQuery("SELECT channel, address, reason, detail, created_at FROM suppression WHERE channel = $1 AND address = $2")
                .execute(Tuple.of(channel, address))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
    }

    public Uni<Boolean> remove(SqlClient sql, String channel, String address) {
        return sql.preparedQuery("DELETE FROM suppression WHERE channel = $1 AND address = $2").execute(Tuple.of(channel, address))
                .map(rows -> rows.rowCount() > 0);
    }

    /** A page in (channel, address) order, after the given key when there is one. */
    public Uni<List<Entry>> page(SqlClient sql, String afterChannel, String afterAddress, int limit) {
        return sql.preparedQuery("""
                SELECT channel, address, reason, detail, created_at FROM suppression
                WHERE $1::text IS NULL OR (channel, address) > ($1, $2) ORDER BY channel, address LIMIT $3""")
                .execute(Tuple.of(afterChannel, afterAddress, limit)).map(rows -> {
                    List<Entry> entries = new ArrayList<>();
                    rows.forEach(r -> entries.add(read(r)));
                    return entries;
                });
    }

    /** The entries for these addresses, per channel and address. */
    public Uni<Map<String, Map<String, SuppressionReason>>> of(SqlClient sql, List<String> addresses) {
        if (addresses.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return sql.preparedQuery("SELECT channel, address, reason FROM suppression WHERE address = ANY($1)")
                .execute(Tuple.of(addresses.toArray(String[]::new))).map(rows -> {
                    Map<String, Map<String, SuppressionReason>> found = new HashMap<>();
                    for (Row r : rows) {
                        found.computeIfAbsent(r.getString(0), c -> new HashMap<>()).put(r.getString(1),
                                SuppressionReason.of(r.getString(2)));
                    }
                    return found;
                });
    }

    private static Entry read(Row r) {
        return new Entry(r.getString(0), r.getString(1), SuppressionReason.of(r.getString(2)), r.getString(3),
                instant(r.getOffsetDateTime(4)));
    }
}
