package io.touchpoint.segmentation.profile.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Segmentation's own copy of each profile's evaluable state and of the interactions behind it. */
@ApplicationScoped
public class ProfileSnapshotStore {

    private static final TypeReference<List<ConsentState>> CONSENTS = new TypeReference<>() {
    };

    public record Snapshot(String profileId, long version, Map<String, Object> traits, Map<String, Object> computed,
            List<ConsentState> consents) {
    }

    public record StoredEvent(String event, Instant occurredAt, Map<String, Object> properties) {
    }

    @Inject
    Json json;
    @Inject
    ObjectMapper mapper;

    /**
     * Stores the snapshot unless one with this or a later version is stored.
     *
     * @return true when this call stored it
     */
    public Uni<Boolean> saveIfNewer(SqlClient sql, Snapshot s, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO profile_snapshot (profile_id, version, traits, computed, consents, updated_at)
                VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb, $6)
                ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version, traits = excluded.traits,
                    computed = excluded.computed, consents = excluded.consents, updated_at = excluded.updated_at
                WHERE profile_snapshot.version < excluded.version""")
                .execute(Tuple.from(Arrays.asList(s.profileId(), s.version(), json.write(s.traits()),
                        json.write(s.computed()), json.write(s.consents()), ts(now))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Locks the snapshots in id order, so the stream and a bulk pass never wait on each other in a cycle. */
    public Uni<List<Snapshot>> loadForUpdate(SqlClient sql, List<String> ids) {
        return sql.preparedQuery("""
                SELECT profile_id, version, traits::text, computed::text, consents::text FROM profile_snapshot
                WHERE profile_id = ANY($1) ORDER BY profile_id FOR UPDATE""")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    List<Snapshot> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(snapshot(r));
                    }
                    return out;
                });
    }

    /** Without a lock: writers lock first (the upsert, or {@link #loadForUpdate} in a bulk pass). */
    public Uni<Optional<Snapshot>> find(SqlClient sql, String id) {
        return sql.preparedQuery("""
                SELECT profile_id, version, traits::text, computed::text, consents::text FROM profile_snapshot
                WHERE profile_id = $1""")
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(snapshot(rows.iterator().next())) : Optional.empty());
    }

    /** A page of profile ids in id order after {@code after}, for bulk passes. */
    public Uni<List<String>> idPage(SqlClient sql, String after, int limit) {
        return sql.preparedQuery("SELECT profile_id FROM profile_snapshot WHERE $1::text IS NULL OR profile_id > $1 ORDER BY profile_id LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    public Uni<Void> delete(SqlClient sql, List<String> ids) {
        return sql.preparedQuery("DELETE FROM profile_snapshot WHERE profile_id = ANY($1)")
                .execute(Tuple.of(ids.toArray(String[]::new))).replaceWithVoid();
    }

    /**
     * Records the interaction once per (source, message).
     *
     * @return true when this call recorded it
     */
    public Uni<Boolean> recordEvent(SqlClient sql, String profileId, String sourceId, String messageId, String event,
            Instant occurredAt, Map<String, Object> properties) {
        return sql.preparedQuery("""
                INSERT INTO profile_event (source_id, message_id, profile_id, event, occurred_at, properties)
                VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)
                ON CONFLICT (source_id, message_id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(sourceId, messageId, profileId, event, ts(occurredAt),
                        json.write(properties == null ? Map.of() : properties))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The profile's interactions since {@code since}, oldest first. */
    public Uni<List<StoredEvent>> events(SqlClient sql, String profileId, Instant since) {
        return sql.preparedQuery("""
                SELECT event, occurred_at, properties::text FROM profile_event
                WHERE profile_id = $1 AND occurred_at >= $2 ORDER BY occurred_at""")
                .execute(Tuple.of(profileId, ts(since)))
                .map(rows -> {
                    List<StoredEvent> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StoredEvent(r.getString(0), instant(r.getOffsetDateTime(1)), json.map(r.getString(2))));
                    }
                    return out;
                });
    }

    /** Remembers that these profiles live on in {@code survivor}. */
    public Uni<Void> markMerged(SqlClient sql, List<String> merged, String survivor, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO merged_profile (profile_id, merged_into, merged_at) SELECT unnest($1::text[]), $2, $3
                ON CONFLICT (profile_id) DO NOTHING""")
                .execute(Tuple.of(merged.toArray(String[]::new), survivor, ts(now))).replaceWithVoid();
    }

    public Uni<Boolean> isMergedAway(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT 1 FROM merged_profile WHERE profile_id = $1").execute(Tuple.of(profileId))
                .map(rows -> rows.size() > 0);
    }

    /** A merge moves the loser's interactions to the survivor, as profile-service does with its timeline. */
    public Uni<Void> moveEvents(SqlClient sql, List<String> from, String to) {
        return sql.preparedQuery("UPDATE profile_event SET profile_id = $2 WHERE profile_id = ANY($1)")
                .execute(Tuple.of(from.toArray(String[]::new), to)).replaceWithVoid();
    }

    private Snapshot snapshot(Row r) {
        try {
            return new Snapshot(r.getString(0), r.getLong(1), json.map(r.getString(2)), json.map(r.getString(3)),
                    mapper.readValue(r.getString(4), CONSENTS));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored consents are unreadable", e);
        }
    }
}
