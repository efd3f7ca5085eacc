package io.touchpoint.gateway.source.store;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.source.domain.Source;

@ApplicationScoped
public class SourceStore implements PanacheRepositoryBase<Source, String> {

    public Uni<Source> findByWriteKeyHash(String writeKeyHash) {
        return find("writeKeyHash", writeKeyHash).firstResult();
    }

    /** Oldest first, so pages stay stable while sources are added. */
    public Uni<List<Source>> firstPage(int size) {
        return findAll(Sort.by("createdAt").and("id")).range(0, size - 1).list();
    }

    /** The sources after (createdAt, id) in the same order: a keyset page. */
    public Uni<List<Source>> pageAfter(Instant createdAt, String id, int size) {
        return find("createdAt > ?1 or (createdAt = ?1 and id > ?2)", Sort.by("createdAt").and("id"), createdAt, id)
                .range(0, size - 1).list();
    }

    /**
     * Creates the source unless one already has this key hash. Gateways starting at the same time
     * race on the unique index, and the loser's insert becomes a no-op instead of a failed start.
     *
     * @return true when this call created it
     */
    public Uni<Boolean> createIfKeyAbsent(String id, String name, String description, String writeKeyHash,
            String writeKeyPrefix, Instant now) {
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO source (id, name, description, write_key_hash, write_key_prefix, enabled, created_at, updated_at)
                VALUES (:id, :name, :description, :hash, :prefix, true, :now, :now)
                ON CONFLICT (write_key_hash) DO NOTHING""")
                .setParameter("id", id)
                .setParameter("name", name)
                .setParameter("description", description)
                .setParameter("hash", writeKeyHash)
                .setParameter("prefix", writeKeyPrefix)
                .setParameter("now", now)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
