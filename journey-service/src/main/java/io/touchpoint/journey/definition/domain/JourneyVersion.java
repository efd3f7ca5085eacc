package io.touchpoint.journey.definition.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A published version: immutable, numbered from 1; instances run on the version they entered. */
@Entity
@Table(name = "journey_version")
public class JourneyVersion extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "journey_id", nullable = false)
    public String journeyId;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public String definition;

    @Column(name = "published_at", nullable = false)
    public Instant publishedAt;

    /** What publishing this version does to instances on older ones: stay, move or exit. */
    @Column(name = "in_flight", nullable = false)
    public String inFlight = "stay";

    /** Whether {@link #inFlight} and the trigger's wake-ups have been carried out. */
    @Column(nullable = false)
    public boolean settled;

    public static final java.util.Set<String> IN_FLIGHT = java.util.Set.of("stay", "move", "exit");

    public static String idOf(String journeyId, int version) {
        return journeyId + "/v" + version;
    }
}
