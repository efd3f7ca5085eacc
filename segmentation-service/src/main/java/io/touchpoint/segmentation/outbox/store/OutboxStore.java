package io.touchpoint.segmentation.outbox.store;

import static io.touchpoint.segmentation.platform.store.Json.instant;
import static io.touchpoint.segmentation.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Topic;
import io.touchpoint.segmentation.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Events are written here in the transaction that makes the change, and only then relayed to
 * Kafka, so a crash can delay an event but never lose it (no dual write).
 */
@ApplicationScoped
public class OutboxStore {

    @Inject
    Json json;

    public record OutboxRecord(long id, String eventId, String topic, String key, String type, String payload,
            Instant createdAt) {
    }

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
}
