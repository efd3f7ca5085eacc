package io.touchpoint.gateway.source.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One channel that reports interactions, with its own write key. The key itself is never stored,
 * only its SHA-256 (see {@link WriteKeys}), so it can be shown once, at creation or rotation.
 */
@Entity
@Table(name = "source")
public class Source {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(name = "write_key_hash", nullable = false)
    public String writeKeyHash;

    @Column(name = "write_key_prefix", nullable = false)
    public String writeKeyPrefix;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "key_rotated_at")
    public Instant keyRotatedAt;
}
