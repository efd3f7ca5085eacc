package io.touchpoint.gateway.content.store;

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
import io.touchpoint.gateway.content.domain.PlacementDefinition;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Placements and their published versions (V26__placement.sql). */
@ApplicationScoped
public class PlacementStore {

    public record PlacementRow(String key, String name, String description, PlacementDefinition draft, Integer latestVersion,
            Instant createdAt, Instant updatedAt) {
    }

    public record Version(String key, int version, long revision, PlacementDefinition content, Instant publishedAt) {
    }

    private static final String COLUMNS = "placement_key, name, description, draft::text, latest_version, created_at, updated_at";

    private final Json json;

    PlacementStore(Json json) {
        this.json = json;
    }

    /** Creates the placement or replaces its draft; true when it was created. */
    public Uni<Boolean> saveDraft(SqlClient sql, String key, String name, String description, PlacementDefinition draft,
            Instant now) {
        return sql.preparedQuery("""
                INSERT INTO placement (placement_key, name, description, draft, created_at, updated_at)
                VALUES ($1, $2, $3, $4::text::jsonb, $5, $5)
                ON CONFLICT (placement_key) DO UPDATE SET name = excluded.name, description = excluded.description,
                    draft = excluded.draft,
                    updated_at = CASE WHEN (placement.name, placement.description, placement.draft)
                        IS NOT DISTINCT FROM (excluded.name, excluded.description, excluded.draft)
                        THEN placement.updated_at ELSE excluded.updated_at END
                RETURNING (xmax = 0)""")
                .execute(Tuple.from(Arrays.asList(key, name, description, json.write(draft), ts(now))))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Optional<PlacementRow>> find(SqlClient sql, String key) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM placement WHERE placement_key = $1").execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
    }

    public Uni<List<PlacementRow>> page(SqlClient sql, Instant afterCreatedAt, String afterKey, int limit) {
        return sql.preparedQuery("SELECT " + COLUMNS + """
                 FROM placement WHERE $1::timestamptz IS NULL OR (created_at, placement_key) > ($1, $2)
                ORDER BY created_at, placement_key LIMIT $3""")
                .execute(Tuple.of(ts(afterCreatedAt), afterKey, limit)).map(rows -> {
                    List<PlacementRow> all = new ArrayList<>();
                    rows.forEach(r -> all.add(read(r)));
                    return all;
                });
    }

    /**
     * Publishes the draft as the next version with a new revision, unless it equals the latest
     * version: then that one is answered and nothing is written. Empty when there is no such placement.
     */
    public Uni<Optional<Version>> publish(SqlClient sql, String key, Instant now) {
        return sql.preparedQuery("""
                SELECT p.draft::text, p.latest_version, v.content = p.draft, v.published_at, p.revision FROM placement p
                LEFT JOIN placement_version v ON v.placement_key = p.placement_key AND v.version = p.latest_version
                WHERE p.placement_key = $1 FOR UPDATE OF p""")
                .execute(Tuple.of(key)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<Version>empty());
                    }
                    Row r = rows.iterator().next();
                    PlacementDefinition draft = json.read(r.getString(0), PlacementDefinition.class);
                    Integer latest = r.getInteger(1);
                    if (latest != null && Boolean.TRUE.equals(r.getBoolean(2))) {
                        return Uni.createFrom().item(Optional.of(new Version(key, latest, r.getLong(4), draft,
                                instant(r.getOffsetDateTime(3)))));
                    }
                    int next = latest == null ? 1 : latest + 1;
                    return sql.preparedQuery("""
                            INSERT INTO placement_version (placement_key, version, content, published_at)
                            SELECT placement_key, $2, draft, $3 FROM placement WHERE placement_key = $1""")
                            .execute(Tuple.of(key, next, ts(now)))
                            .chain(() -> sql.preparedQuery("""
                                    UPDATE placement SET latest_version = $2, revision = nextval('placement_revision')
                                    WHERE placement_key = $1 RETURNING revision""").execute(Tuple.of(key, next)))
                            .map(updated -> Optional.of(new Version(key, next, updated.iterator().next().getLong(0), draft, now)));
                });
    }

    public Uni<Optional<Version>> version(SqlClient sql, String key, int version) {
        return sql.preparedQuery("""
                SELECT v.content::text, v.published_at, p.revision FROM placement_version v
                JOIN placement p ON p.placement_key = v.placement_key WHERE v.placement_key = $1 AND v.version = $2""")
                .execute(Tuple.of(key, version)).map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new Version(key, version, r.getLong(2), json.read(r.getString(0), PlacementDefinition.class),
                            instant(r.getOffsetDateTime(1))));
                });
    }

    /** The latest published version of each placement that has one (of one placement, with {@code key}). */
    public Uni<List<Version>> published(SqlClient sql, String key) {
        return sql.preparedQuery("""
                SELECT p.placement_key, v.version, p.revision, v.content::text, v.published_at FROM placement p
                JOIN placement_version v ON v.placement_key = p.placement_key AND v.version = p.latest_version
                WHERE $1::text IS NULL OR p.placement_key = $1""")
                .execute(Tuple.of(key)).map(rows -> {
                    List<Version> all = new ArrayList<>();
                    for (Row r : rows) {
                        all.add(new Version(r.getString(0), r.getInteger(1), r.getLong(2),
                                json.read(r.getString(3), PlacementDefinition.class), instant(r.getOffsetDateTime(4))));
                    }
                    return all;
                });
    }

    /** Each published placement's revision: what a replica compares its copies with. */
    public Uni<Map<String, Long>> revisions(SqlClient sql) {
        return sql.preparedQuery("SELECT placement_key, revision FROM placement WHERE latest_version IS NOT NULL")
                .execute().map(rows -> {
                    Map<String, Long> revisions = new HashMap<>();
                    rows.forEach(r -> revisions.put(r.getString(0), r.getLong(1)));
                    return revisions;
                });
    }

    /** Deletes the placement and its versions; false when there was none. */
    public Uni<Boolean> delete(SqlClient sql, String key) {
        return sql.preparedQuery("DELETE FROM placement WHERE placement_key = $1").execute(Tuple.of(key))
                .map(rows -> rows.rowCount() > 0);
    }

    private PlacementRow read(Row r) {
        return new PlacementRow(r.getString(0), r.getString(1), r.getString(2), json.read(r.getString(3), PlacementDefinition.class),
                r.getInteger(4), instant(r.getOffsetDateTime(5)), instant(r.getOffsetDateTime(6)));
    }
}
