package io.touchpoint.profile.erasure.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A GDPR erasure as the requester follows it: {@code accepted} once everything here is deleted,
 * {@code completed} once every service has been told (the erasure event is on Kafka). It holds no
 * personal data.
 */
@Entity
@Table(name = "erasure_job")
public class ErasureJob extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String status;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;
}
