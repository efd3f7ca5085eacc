package io.touchpoint.gateway.content.store;

import static io.touchpoint.platform.store.Json.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.content.domain.PlacementDefinition;
import io.touchpoint.gateway.draft.store.VersionedDrafts;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Placements and their published versions (V26__placement.sql), kept as every versioned definition
 * of the gateway is ({@link VersionedDrafts}); each publication of a new version also takes a new
 * revision, which replicas compare their in-memory copies with.
 */
@ApplicationScoped
public class PlacementStore {

    public record PlacementRow(String key, String name, String description, PlacementDefinition draft, Integer latestVersion,
            Instant createdAt, Instant updatedAt) {
        static PlacementRow of(VersionedDrafts.Draft<PlacementDefinition> d) {
            return new PlacementRow(d.key(), d.name(), d.description(), d.draft(), d.latestVersion(), d.createdAt(), d.updatedAt());
        }
    }

    public record Version(String key, int version, long revision, PlacementDefinition content, Instant publishedAt) {
    }

    private final Json json;
    private final VersionedDrafts<PlacementDefinition> drafts;

    PlacementStore(Json json) {
        this.json = json;
        this.drafts = new VersionedDrafts<>(json, PlacementDefinition.class, "placement");
    }

    /** Creates the placement or replaces its draft; true when it was created. */
    public Uni<Boolean> saveDraft(SqlClient sql, String key, String name, String description, PlacementDefinition draft,
            Instant now) {
        return drafts.saveDraft(sql, key, name, description, draft, now);
    }

    public Uni<Optional<PlacementRow>> find(SqlClient sql, String key) {
        return drafts.find(sql, key).map(found -> found.map(PlacementRow::of));
    }

    /** A page in creation order. */
    public Uni<Page<PlacementRow>> page(SqlClient sql, VersionedDrafts.After after, int limit) {
        return drafts.page(sql, after, limit).map(page -> new Page<>(page.items().stream().map(PlacementRow::of).toList(),
                page.nextCursor()));
    }

    /**
     * Publishes the draft as the next version with a new revision, unless it equals the latest
     * version: then that one is answered and nothing is written. Empty when there is no such placement.
     */
    public Uni<Optional<Version>> publish(SqlClient sql, String key, Instant now) {
        return drafts.publish(sql, key, now).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<Version>empty());
            }
            var v = found.get();
            String revision = v.created() ? "nextval('placement_revision')" : "revision";
            return sql.preparedQuery("UPDATE placement SET revision = " + revision + " WHERE placement_key = $1 RETURNING revision")
                    .execute(Tuple.of(key))
                    .map(rows -> Optional.of(new Version(key, v.version(), rows.iterator().next().getLong(0), v.content(),
                            v.publishedAt())));
        });
    }

    public Uni<Optional<Version>> version(SqlClient sql, String key, int version) {
        return drafts.version(sql, key, version).map(found -> found.map(v -> new Version(key, v.version(), 0, v.content(),
                v.publishedAt())));
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
}
