package io.touchpoint.gateway.template.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.draft.store.VersionedDrafts;
import io.touchpoint.gateway.template.domain.TemplateContent;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Templates and their versions (V5__template.sql), through the reactive SQL client rather than
 * Panache: every claimed batch of deliveries reads its templates' latest versions on the hot path. Drafts and versions
 * are kept as every versioned definition of the gateway is ({@link VersionedDrafts}).
 */
@ApplicationScoped
public class TemplateStore {

    public record TemplateRow(String key, String name, String description, TemplateContent draft, Integer latestVersion,
            Instant createdAt, Instant updatedAt) {
        static TemplateRow of(VersionedDrafts.Draft<TemplateContent> d) {
            return new TemplateRow(d.key(), d.name(), d.description(), d.draft(), d.latestVersion(), d.createdAt(), d.updatedAt());
        }
    }

    public record Version(String key, int version, TemplateContent content, Instant publishedAt) {
        static Version of(VersionedDrafts.Version<TemplateContent> v) {
            return new Version(v.key(), v.version(), v.content(), v.publishedAt());
        }
    }

    private final VersionedDrafts<TemplateContent> drafts;

    TemplateStore(Json json) {
        this.drafts = new VersionedDrafts<>(json, TemplateContent.class, "template");
    }

    /** Creates the template or replaces its draft; true when it was created. */
    public Uni<Boolean> saveDraft(SqlClient sql, String key, String name, String description, TemplateContent draft,
            Instant now) {
        return drafts.saveDraft(sql, key, name, description, draft, now);
    }

    public Uni<Optional<TemplateRow>> find(SqlClient sql, String key) {
        return drafts.find(sql, key).map(found -> found.map(TemplateRow::of));
    }

    /** A page in creation order. */
    public Uni<Page<TemplateRow>> page(SqlClient sql, VersionedDrafts.After after, int limit) {
        return drafts.page(sql, after, limit).map(page -> new Page<>(page.items().stream().map(TemplateRow::of).toList(),
                page.nextCursor()));
    }

    /**
     * Publishes the draft as the next version, unless it equals the latest version: then that one is
     * returned and nothing is written, so publishing again changes nothing. Empty when there is no such template.
     */
    public Uni<Optional<Version>> publish(SqlClient sql, String key, Instant now) {
        return drafts.publish(sql, key, now).map(found -> found.map(Version::of));
    }

    public Uni<Optional<Version>> version(SqlClient sql, String key, int version) {
        return drafts.version(sql, key, version).map(found -> found.map(Version::of));
    }

    /** The latest published versions of these templates, by key: what a batch of deliveries renders. */
    public Uni<Map<String, Version>> latestOf(SqlClient sql, List<String> keys) {
        return drafts.latestOf(sql, keys).map(found -> {
            Map<String, Version> versions = new HashMap<>();
            found.forEach((key, v) -> versions.put(key, Version.of(v)));
            return versions;
        });
    }

}
