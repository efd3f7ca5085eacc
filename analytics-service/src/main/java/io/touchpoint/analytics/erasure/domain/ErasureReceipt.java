package io.touchpoint.analytics.erasure.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Proof that this service obeyed one GDPR erasure: what was asked, and when it was done here. */
@Entity
@Table(name = "erasure_receipt")
public class ErasureReceipt {

    @Id
    @Column(name = "erasure_id")
    public String erasureId;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "completed_at", nullable = false)
    public Instant completedAt;
}
