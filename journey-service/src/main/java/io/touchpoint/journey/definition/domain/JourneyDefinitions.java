package io.touchpoint.journey.definition.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.api.ConflictException;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.store.Json;

/**
 * The life of a definition: drafts are edited, publishing freezes the draft as the next numbered
 * version and makes the journey active; pause holds its instances, resume lets them go on, archive
 * ends the journey for good. Every draft is validated whole when saved.
 */
@ApplicationScoped
public class JourneyDefinitions {

    private final Json json;
    private final Clock clock;

    JourneyDefinitions(Json json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public static JourneyGraph validate(Map<String, Object> definition) {
        if (definition == null) {
            throw InvalidRequestException.field("body", "a journey definition (JSON object) is required");
        }
        JourneyParser.Result parsed = JourneyParser.parse(definition);
        if (!parsed.valid()) {
            throw new InvalidRequestException("The journey is not valid.", parsed.violations());
        }
        return parsed.graph();
    }

    public Uni<Journey> create(Map<String, Object> definition) {
        JourneyGraph graph = validate(definition);
        Instant now = clock.instant();
        Journey journey = new Journey();
        journey.id = UUID.randomUUID().toString();
        journey.name = graph.name();
        journey.state = Journey.DRAFT;
        journey.draft = json.write(definition);
        journey.createdAt = now;
        journey.updatedAt = now;
        return Panache.withTransaction(journey::persist).replaceWith(journey);
    }

    public Uni<Journey> updateDraft(String id, Map<String, Object> definition) {
        JourneyGraph graph = validate(definition);
        return Panache.withTransaction(() -> existing(id).invoke(journey -> {
            refuseArchived(journey);
            journey.name = graph.name();
            journey.draft = json.write(definition);
            journey.updatedAt = clock.instant();
        }));
    }

    /**
     * Freezes the draft as the next version. Instances already in the journey stay on theirs, or
     * with {@code inFlight} move to the same node ids of the new one (exiting where it has no such
     * node), or exit; that is carried out once the version is committed ({@code settled}).
     */
    public Uni<JourneyVersion> publish(String id, String inFlight) {
        if (!JourneyVersion.IN_FLIGHT.contains(inFlight)) {
            throw InvalidRequestException.field("query.inFlight", "must be stay, move or exit");
        }
        return Panache.withTransaction(() -> existing(id).chain(journey -> {
            refuseArchived(journey);
            validate(json.map(journey.draft));
            Instant now = clock.instant();
            JourneyVersion version = new JourneyVersion();
            version.journeyId = id;
            version.version = journey.publishedVersion == null ? 1 : journey.publishedVersion + 1;
            version.id = JourneyVersion.idOf(id, version.version);
            version.definition = journey.draft;
            version.publishedAt = now;
            version.inFlight = inFlight;
            version.settled = false;
            journey.publishedVersion = version.version;
            journey.state = Journey.ACTIVE;
            journey.updatedAt = now;
            return version.<JourneyVersion>persist();
        }));
    }

    public Uni<Journey> moveTo(String id, String state) {
        return Panache.withTransaction(() -> existing(id).invoke(journey -> {
            refuseArchived(journey);
            if (journey.publishedVersion == null && !state.equals(Journey.ARCHIVED)) {
                throw new ConflictException("Journey " + id + " has never been published.");
            }
            if (state.equals(Journey.ACTIVE) && !journey.state.equals(Journey.PAUSED)) {
                throw new ConflictException("Only a paused journey can be resumed; this one is " + journey.state + ".");
            }
            if (state.equals(Journey.PAUSED) && !journey.state.equals(Journey.ACTIVE)) {
                throw new ConflictException("Only an active journey can be paused; this one is " + journey.state + ".");
            }
            journey.state = state;
            journey.updatedAt = clock.instant();
        }));
    }

    public Uni<Journey> existing(String id) {
        return Journey.<Journey>findById(id).onItem().ifNull()
                .failWith(() -> new jakarta.ws.rs.NotFoundException("No journey " + id + "."));
    }

    public Uni<List<JourneyVersion>> versions(String id) {
        return JourneyVersion.<JourneyVersion>find("journeyId = ?1 order by version", id).list();
    }

    private static void refuseArchived(Journey journey) {
        if (journey.state.equals(Journey.ARCHIVED)) {
            throw new ConflictException("Journey " + journey.id + " is archived; archived journeys do not change.");
        }
    }
}
