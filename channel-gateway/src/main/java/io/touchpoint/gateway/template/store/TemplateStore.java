package io.touchpoint.gateway.template.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.template.domain.TemplateContent;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Templates and their versions (V5__template.sql), through the reactive SQL client rather than
 * Panache: every delivery reads its template's latest version on the hot path.
 */
@ApplicationScoped
public class TemplateStore {

    public record TemplateRow(String key, String name, String description, TemplateContent draft, Integer latestVersion,
            Instant createdAt, Instant updatedAt) {
    }

    public record Version(String key, int version, TemplateContent content, Instant publishedAt) {
    }

    private final Json json;

    TemplateStore(Json json) {
        this.json = json;
    }

    /** Creates the template or replaces its draft; true when it was created. */
    public Uni<Boolean> saveDraft(SqlClient sql, String key, String name, String description, TemplateContent draft,
            Instant now) {
        return sql.preparedQuery("""
                INSERT INTO template (template_key, name, description, draft, created_at, updated_at)
                VALUES ($1, $2, $3, $4::text::jsonb, $5, $5)
                ON CONFLICT (template_key) DO UPDATE SET name = excluded.name, description = excluded.description,
                    draft = excluded.draft,
                    updated_at = CASE WHEN (template.name, template.description, template.draft)
                        IS NOT DISTINCT FROM (excluded.name, excluded.description, excluded.draft)
                        THEN template.updated_at ELSE excluded.updated_at END
                RETURNING (xmax = 0)""")
                .execute(Tuple.from(Arrays.asList(key, name, description, json.write(draft), ts(now))))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Optional<TemplateRow>> find(SqlClient sql, String key) {
        return sql.preparedQuery("""
                SELECT template_key, name, description, draft::text, latest_version, created_at, updated_at
                FROM template WHERE template_key = $1""")
                .execute(Tuple.of(key)).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
    }

    public Uni<List<TemplateRow>> page(SqlClient sql, Instant afterCreatedAt, String afterKey, int limit) {
        return sql.preparedQuery("""
                SELECT template_key, name, description, draft::text, latest_version, created_at, updated_at FROM template
                WHERE $1::timestamptz IS NULL OR (created_at, template_key) > ($1, $2) ORDER BY created_at, template_key LIMIT $3""")
                .execute(Tuple.of(ts(afterCreatedAt), afterKey, limit)).map(rows -> {
                    List<TemplateRow> all = new ArrayList<>();
                    rows.forEach(r -> all.add(read(r)));
                    return all;
                });
    }

    /**
     * Publishes the draft as the next version, unless it equals the latest version: then that one is
     * returned and nothing is written, so publishing again changes nothing. Empty when there is no such template.
     */
    public Uni<Optional<Version>> publish(SqlClient sql, String key, Instant now) {
        return sql.preparedQuery("""
                SELECT t.draft::text, t.latest_version, v.content = t.draft, v.published_at FROM template t
                LEFT JOIN template_version v ON v.template_key = t.template_key AND v.version = t.latest_version
                WHERE t.template_key = $1 FOR UPDATE OF t""")
                .execute(Tuple.of(key)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<Version>empty());
                    }
                    Row r = rows.iterator().next();
                    TemplateContent draft = json.read(r.getString(0), TemplateContent.class);
                    Integer latest = r.getInteger(1);
                    if (latest != null && Boolean.TRUE.equals(r.getBoolean(2))) {
                        return Uni.createFrom().item(Optional.of(new Version(key, latest, draft, instant(r.getOffsetDateTime(3)))));
                    }
                    int next = latest == null ? 1 : latest + 1;
                    return sql.preparedQuery("""
                            INSERT INTO template_version (template_key, version, content, published_at)
                            SELECT template_key, $2, draft, $3 FROM template WHERE template_key = $1""")
                            .execute(Tuple.of(key, next, ts(now)))
                            .chain(() -> sql.preparedQuery("UPDATE template SET latest_version = $2 WHERE template_key = $1")
                                    .execute(Tuple.of(key, next)))
                            .map(done -> Optional.of(new Version(key, next, draft, now)));
                });
    }

    public Uni<Optional<Version>> version(SqlClient sql, String key, int version) {
        return sql.preparedQuery("SELECT content::text, published_at FROM template_version WHERE template_key = $1 AND version = $2")
                .execute(Tuple.of(key, version)).map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(new Version(key, version, json.read(rows.iterator().next().getString(0), TemplateContent.class),
                                instant(rows.iterator().next().getOffsetDateTime(1)))));
    }

    /** The latest published version: what deliveries render. */
    public Uni<Optional<Version>> latest(SqlClient sql, String key) {
        return sql.preparedQuery("""
                SELECT v.version, v.content::text, v.published_at FROM template t
                JOIN template_version v ON v.template_key = t.template_key AND v.version = t.latest_version
                WHERE t.template_key = $1""")
                .execute(Tuple.of(key)).map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new Version(key, r.getInteger(0), json.read(r.getString(1), TemplateContent.class),
                            instant(r.getOffsetDateTime(2))));
                });
    }

    private TemplateRow read(Row r) {
        return new TemplateRow(r.getString(0), r.getString(1), r.getString(2), json.read(r.getString(3), TemplateContent.class),
                r.getInteger(4), instant(r.getOffsetDateTime(5)), instant(r.getOffsetDateTime(6)));
    }
}
