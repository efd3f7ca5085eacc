package io.touchpoint.profile.identity.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.profile.identity.domain.Identifier;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Which profile each identifier belongs to, aliases of merged profiles, and the merge audit. */
@ApplicationScoped
public class IdentityStore {

    @Inject
    Json json;

    /** Identifier to owning profile, for those of {@code ids} that are known. */
    public Uni<Map<Identifier, String>> owners(SqlClient sql, List<Identifier> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return sql.preparedQuery("""
                SELECT i.type, i.value, i.profile_id FROM identifier i
                JOIN unnest($1::text[], $2::text[]) AS q(type, value) ON i.type = q.type AND i.value = q.value""")
                .execute(Tuple.of(ids.stream().map(Identifier::type).toArray(String[]::new),
                        ids.stream().map(Identifier::value).toArray(String[]::new)))
                .map(rows -> {
                    Map<Identifier, String> owners = new LinkedHashMap<>();
                    for (Row r : rows) {
                        owners.put(new Identifier(r.getString(0), r.getString(1)), r.getString(2));
                    }
                    return owners;
                });
    }

    public record StoredIdentifier(String type, String value, String sourceId, Instant firstSeen) {
    }

    public Uni<List<StoredIdentifier>> identifiersOf(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT type, value, source_id, first_seen FROM identifier WHERE profile_id = $1 ORDER BY type, value")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    List<StoredIdentifier> ids = new ArrayList<>();
                    for (Row r : rows) {
                        ids.add(new StoredIdentifier(r.getString(0), r.getString(1), r.getString(2), instant(r.getOffsetDateTime(3))));
                    }
                    return ids;
                });
    }

    /** Every identifier of each given profile, in one query; a profile without any maps to an empty list. */
    public Uni<Map<String, List<Identifier>>> identifiersOfAll(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("SELECT profile_id, type, value FROM identifier WHERE profile_id = ANY($1) ORDER BY type, value")
                .execute(Tuple.of(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<Identifier>> owned = new LinkedHashMap<>();
                    profileIds.forEach(id -> owned.put(id, new ArrayList<>()));
                    for (Row r : rows) {
                        owned.computeIfAbsent(r.getString(0), id -> new ArrayList<>())
                                .add(new Identifier(r.getString(1), r.getString(2)));
                    }
                    return owned;
                });
    }

    /**
     * Attaches an identifier to a profile.
     *
     * @return false when another profile owns it already (a concurrent transaction won the race)
     */
    public Uni<Boolean> attach(SqlClient sql, String profileId, Identifier id, String sourceId, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO identifier (type, value, profile_id, source_id, first_seen) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (type, value) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(id.type(), id.value(), profileId, sourceId, ts(at))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Moves identifiers and aliases to the survivor and leaves an alias and an audit row behind. */
    public Uni<Void> merge(SqlClient sql, String loser, String survivor, String reason, String sourceId, String messageId,
            Instant at) {
        return identifiersOf(sql, loser)
                .chain(moved -> sql.preparedQuery("UPDATE identifier SET profile_id = $2 WHERE profile_id = $1")
                        .execute(Tuple.of(loser, survivor))
                        .chain(() -> sql.preparedQuery("UPDATE profile_alias SET profile_id = $2 WHERE profile_id = $1")
                                .execute(Tuple.of(loser, survivor)))
                        .chain(() -> sql.preparedQuery("INSERT INTO profile_alias (merged_id, profile_id, merged_at) VALUES ($1, $2, $3)")
                                .execute(Tuple.of(loser, survivor, ts(at))))
                        .chain(() -> sql.preparedQuery("""
                                INSERT INTO merge_audit (survivor_id, merged_id, reason, source_id, message_id, identifiers, merged_at)
                                VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)""")
                                .execute(Tuple.from(Arrays.asList(survivor, loser, reason, sourceId, messageId,
                                        json.write(moved.stream().map(i -> Map.of("type", i.type(), "value", i.value())).toList()),
                                        ts(at))))))
                .replaceWithVoid();
    }

    public Uni<List<String>> aliasesOf(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT merged_id FROM profile_alias WHERE profile_id = $1 ORDER BY merged_at")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    public record MergeRecord(String survivorId, String mergedId, String reason, String sourceId, String messageId,
            List<Object> identifiers, Instant mergedAt) {
    }

    public Uni<List<MergeRecord>> mergeAudit(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("""
                SELECT survivor_id, merged_id, reason, source_id, message_id, identifiers::text, merged_at FROM merge_audit
                WHERE survivor_id = ANY($1) OR merged_id = ANY($1) ORDER BY merged_at, id""")
                .execute(Tuple.of(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    List<MergeRecord> records = new ArrayList<>();
                    for (Row r : rows) {
                        records.add(new MergeRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                                r.getString(4), json.list(r.getString(5)), instant(r.getOffsetDateTime(6))));
                    }
                    return records;
                });
    }

    /** Erasure: the audit rows naming any of the ids; the aliases go with the profile (cascade). */
    public Uni<Void> forget(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM merge_audit WHERE survivor_id = ANY($1) OR merged_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
