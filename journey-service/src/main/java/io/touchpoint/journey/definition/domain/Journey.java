package io.touchpoint.journey.definition.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A journey as its marketers edit it: the draft definition (JSON) and its state. */
@Entity
@Table(name = "journey")
public class Journey extends PanacheEntityBase {

    public static final String DRAFT = "draft";
    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";
    public static final String ARCHIVED = "archived";

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String state;

    @Column(nullable = false)
    public String draft;

    @Column(name = "published_version")
    public Integer publishedVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
