package io.touchpoint.platform.outbox;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Events are written here in the transaction that makes the change, and only then relayed to
 * Kafka, so a crash can delay an event but never lose it (no dual write).
 */
@ApplicationScoped
public class OutboxStore {

    private final Json json;

    OutboxStore(Json json) {
        this.json = json;
    }

    /** @param key the record key: the profile id the event is about */
    public Uni<Void> append(SqlClient sql, String eventId, Topic topic, String key, String type, Object payload,
            Instant now) {
        return sql.preparedQuery("""
                INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at)
                VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)""")
                .execute(Tuple.from(List.of(eventId, topic.topicName(), key, type, json.write(payload), ts(now))))
                .replaceWithVoid();
    }

    /** The oldest unsent events, locked so a second relay (another replica) takes different ones. */
    public Uni<List<OutboxRecord>> claimOldest(SqlClient sql, int limit) {
        return sql.preparedQuery("""
                SELECT id, event_id, topic, record_key, event_type, payload::text, created_at FROM outbox
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<OutboxRecord> records = new ArrayList<>();
                    for (Row r : rows) {
                        records.add(new OutboxRecord(r.getLong(0), r.getString(1), r.getString(2), r.getString(3),
                                r.getString(4), r.getString(5), instant(r.getOffsetDateTime(6))));
                    }
                    return records;
                });
    }

    public Uni<Void> remove(SqlClient sql, List<Long> ids) {
        return sql.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /** A record the broker can never take, set aside with why, in the relay's transaction. */
    public Uni<Void> moveToFailed(SqlClient sql, OutboxRecord record, String reason) {
        return sql.preparedQuery("""
                WITH moved AS (DELETE FROM outbox WHERE id = $1 RETURNING *)
                INSERT INTO outbox_failed (id, event_id, topic, record_key, event_type, payload, created_at, failed_at, reason)
                SELECT id, event_id, topic, record_key, event_type, payload, created_at, now(), $2 FROM moved""")
                .execute(Tuple.of(record.id(), reason.length() > 2000 ? reason.substring(0, 2000) : reason)).replaceWithVoid();
    }

    /** Erasure: whatever was set aside about the people goes too. */
    public Uni<Void> dropFailedFor(SqlClient sql, List<String> keys) {
        return sql.preparedQuery("DELETE FROM outbox_failed WHERE record_key = ANY($1)")
                .execute(Tuple.of(keys.toArray(String[]::new))).replaceWithVoid();
    }

    /**
     * Erasure: unsent events about the people carry their data and must never leave; events of the
     * type kept (the erasure announcements themselves) stay.
     */
    public Uni<Void> dropPendingFor(SqlClient sql, List<String> keys, String keepType) {
        return sql.preparedQuery("DELETE FROM outbox WHERE record_key = ANY($1) AND event_type <> $2")
                .execute(Tuple.of(keys.toArray(String[]::new), keepType)).replaceWithVoid();
    }
}
