package io.touchpoint.gateway.draft.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.api.Cursor;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Definitions people edit as a draft and publish as immutable versions, by a stable key: templates
 * and placements. One table holds each definition ({@code <table>_key, name, description, draft,
 * latest_version, created_at, updated_at}), another its versions ({@code <table>_version}:
 * {@code <table>_key, version, content, published_at}).
 */
public final class VersionedDrafts<T> {

    public record Draft<T>(String key, String name, String description, T draft, Integer latestVersion, Instant createdAt,
            Instant updatedAt) {
    }

    /** A published version; {@code created} when this publication wrote it (the draft had changed). */
    public record Version<T>(String key, int version, T content, Instant publishedAt, boolean created) {
    }

    private final Json json;
    private final Class<T> type;
    private final String table;
    private final String versions;
    private final String key;
    private final String columns;

    /** @param table {@code template} or {@code placement}: names both tables and the key column */
    public VersionedDrafts(Json json, Class<T> type, String table) {
        this.json = json;
        this.type = type;
        this.table = table;
        this.versions = table + "_version";
        this.key = table + "_key";
        this.columns = key + ", name, description, draft::text, latest_version, created_at, updated_at";
    }

    /** Creates the definition or replaces its draft; true when it was created. */
    public Uni<Boolean> saveDraft(SqlClient sql, String id, String name, String description, T draft, Instant now) {
        return sql.preparedQuery("INSERT INTO " + table + " (" + key + ", name, description, draft, created_at, updated_at) "
                + "VALUES ($1, $2, $3, $4::text::jsonb, $5, $5) ON CONFLICT (" + key + ") DO UPDATE SET name = excluded.name, "
                + "description = excluded.description, draft = excluded.draft, updated_at = CASE WHEN (" + table + ".name, "
                + table + ".description, " + table + ".draft) IS NOT DISTINCT FROM (excluded.name, excluded.description, "
                + "excluded.draft) THEN " + table + ".updated_at ELSE excluded.updated_at END RETURNING (xmax = 0)")
                .execute(Tuple.from(Arrays.asList(id, name, description, json.write(draft), ts(now))))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Optional<Draft<T>>> find(SqlClient sql, String id) {
        return sql.preparedQuery("SELECT " + columns + " FROM " + table + " WHERE " + key + " = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
    }

    /** Where a page starts: after the definition a previous page ended with (both null: the first page). */
    public record After(Instant createdAt, String key) {

        /** @throws InvalidRequestException naming {@code cursor} when it is not one a page answered */
        public static After of(String cursor) {
            if (cursor == null) {
                return new After(null, null);
            }
            List<String> after = Cursor.decode(cursor, 2);
            try {
                return new After(Instant.parse(after.get(0)), after.get(1));
            } catch (DateTimeParseException e) {
                throw InvalidRequestException.field(Page.CURSOR, "is not a cursor this API returned");
            }
        }
    }

    /** A page in creation order, with the cursor of the next one. */
    public Uni<Page<Draft<T>>> page(SqlClient sql, After after, int limit) {
        Instant afterAt = after.createdAt();
        String afterKey = after.key();
        return sql.preparedQuery("SELECT " + columns + " FROM " + table + " WHERE $1::timestamptz IS NULL OR (created_at, "
                + key + ") > ($1, $2) ORDER BY created_at, " + key + " LIMIT $3")
                .execute(Tuple.of(ts(afterAt), afterKey, limit + 1)).map(rows -> {
                    List<Draft<T>> all = new ArrayList<>();
                    rows.forEach(r -> all.add(read(r)));
                    List<Draft<T>> items = all.size() > limit ? all.subList(0, limit) : all;
                    Draft<T> last = items.isEmpty() ? null : items.get(items.size() - 1);
                    return new Page<>(List.copyOf(items),
                            all.size() > limit ? Cursor.encode(last.createdAt().toString(), last.key()) : null);
                });
    }

    /**
     * Publishes the draft as the next version, unless it equals the latest version: then that one is
     * answered and nothing is written, so publishing again changes nothing. Empty when there is no such definition.
     */
    public Uni<Optional<Version<T>>> publish(SqlClient sql, String id, Instant now) {
        return sql.preparedQuery("SELECT d.draft::text, d.latest_version, v.content = d.draft, v.published_at FROM " + table
                + " d LEFT JOIN " + versions + " v ON v." + key + " = d." + key + " AND v.version = d.latest_version WHERE d."
                + key + " = $1 FOR UPDATE OF d")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<Version<T>>empty());
                    }
                    Row r = rows.iterator().next();
                    T draft = json.read(r.getString(0), type);
                    Integer latest = r.getInteger(1);
                    if (latest != null && Boolean.TRUE.equals(r.getBoolean(2))) {
                        return Uni.createFrom().item(Optional.of(new Version<>(id, latest, draft, instant(r.getOffsetDateTime(3)),
                                false)));
                    }
                    int next = latest == null ? 1 : latest + 1;
                    return sql.preparedQuery("INSERT INTO " + versions + " (" + key + ", version, content, published_at) SELECT "
                            + key + ", $2, draft, $3 FROM " + table + " WHERE " + key + " = $1")
                            .execute(Tuple.of(id, next, ts(now)))
                            .chain(() -> sql.preparedQuery("UPDATE " + table + " SET latest_version = $2 WHERE " + key + " = $1")
                                    .execute(Tuple.of(id, next)))
                            .map(done -> Optional.of(new Version<>(id, next, draft, now, true)));
                });
    }

    public Uni<Optional<Version<T>>> version(SqlClient sql, String id, int version) {
        return sql.preparedQuery("SELECT content::text, published_at FROM " + versions + " WHERE " + key + " = $1 AND version = $2")
                .execute(Tuple.of(id, version)).map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(new Version<>(id, version, json.read(rows.iterator().next().getString(0), type),
                                instant(rows.iterator().next().getOffsetDateTime(1)), false)));
    }

    /** The latest published versions of these definitions, by key (those never published are absent). */
    public Uni<Map<String, Version<T>>> latestOf(SqlClient sql, List<String> ids) {
        return sql.preparedQuery("SELECT d." + key + ", v.version, v.content::text, v.published_at FROM " + table + " d JOIN "
                + versions + " v ON v." + key + " = d." + key + " AND v.version = d.latest_version WHERE d." + key + " = ANY($1)")
                .execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
                    Map<String, Version<T>> found = new HashMap<>();
                    for (Row r : rows) {
                        String id = r.getString(0);
                        found.put(id, new Version<>(id, r.getInteger(1), json.read(r.getString(2), type),
                                instant(r.getOffsetDateTime(3)), false));
                    }
                    return found;
                });
    }

    private Draft<T> read(Row r) {
        return new Draft<>(r.getString(0), r.getString(1), r.getString(2), json.read(r.getString(3), type), r.getInteger(4),
                instant(r.getOffsetDateTime(5)), instant(r.getOffsetDateTime(6)));
    }
}
