package io.touchpoint.gateway.erasure.store;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.erasure.domain.ErasureReceipt;

@ApplicationScoped
public class ErasureReceiptStore implements PanacheRepositoryBase<ErasureReceipt, String> {

    /**
     * Records the receipt unless one exists: a redelivered erasure event is a no-op.
     *
     * @return true when this call recorded it
     */
    public Uni<Boolean> recordOnce(String erasureId, Instant requestedAt, Instant completedAt) {
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO erasure_receipt (erasure_id, requested_at, completed_at)
                VALUES (:erasureId, :requestedAt, :completedAt)
                ON CONFLICT (erasure_id) DO NOTHING""")
                .setParameter("erasureId", erasureId)
                .setParameter("requestedAt", requestedAt)
                .setParameter("completedAt", completedAt)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
