package io.touchpoint.journey.execution.api;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.Roles;
import io.touchpoint.journey.definition.domain.JourneyDefinitions;
import io.touchpoint.journey.execution.domain.NodeStep;
import io.touchpoint.journey.execution.domain.TestRun;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.StrictBody;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Pool;

@CustomDeserialization(StrictBody.class)
@Path("/v1/journeys/{id}/test-runs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class JourneyTestRunResource {

    /**
     * A test profile (a known one by {@code profileId}, or {@code traits}, {@code computed} and
     * {@code preferences} given here), the payload it enters with, the events it performs and when,
     * and how far the run's own clock may go ({@code horizon}, default a year).
     */
    public record TestRunRequest(String profileId, Map<String, Object> traits, Map<String, Object> computed,
            Map<String, Object> preferences, Map<String, Object> payload, List<Event> events, String horizon) {
    }

    public record Event(String event, Map<String, Object> properties, String after) {
    }

    public record TestRunView(String journeyId, String ranOn, List<TestRun.Traced> trace) {
    }

    private final JourneyDefinitions definitions;
    private final ProfileFactStore profiles;
    private final Pool pool;
    private final Json json;
    private final Clock clock;

    JourneyTestRunResource(JourneyDefinitions definitions, ProfileFactStore profiles, Pool pool, Json json, Clock clock) {
        this.definitions = definitions;
        this.profiles = profiles;
        this.pool = pool;
        this.json = json;
        this.clock = clock;
    }

    @POST
    @WithSession
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a test profile through the journey's draft on a clock of its own and get the trace; "
            + "nothing is stored and no message is sent")
    public Uni<TestRunView> run(@PathParam("id") String id, TestRunRequest request) {
        TestRunRequest r = request == null ? new TestRunRequest(null, null, null, null, null, null, null) : request;
        Duration horizon = duration(r.horizon() == null ? "P366D" : r.horizon(), "horizon");
        List<TestRun.Happening> happenings = new ArrayList<>();
        List<Event> events = r.events() == null ? List.of() : r.events();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (e == null || e.event() == null || e.event().isBlank()) {
                throw InvalidRequestException.field("events[" + i + "].event", "is required: the event's name");
            }
            happenings.add(new TestRun.Happening(e.event(), e.properties() == null ? Map.of() : e.properties(),
                    e.after() == null ? Duration.ZERO : duration(e.after(), "events[" + i + "].after")));
        }
        return definitions.existing(id).chain(journey -> {
            var graph = JourneyDefinitions.validate(json.map(journey.draft));
            Uni<NodeStep.Subject> subject = r.profileId() != null
                    ? pool.withConnection(sql -> profiles.load(sql, r.profileId())).map(found -> found.orElseThrow(
                            () -> InvalidRequestException.field("profileId", "names no profile this service knows")))
                    : Uni.createFrom().item(new NodeStep.Subject(new ConditionEvaluator.Facts("test-profile",
                            orEmpty(r.traits()), orEmpty(r.computed()), List.of(), List.of(), java.util.Set.of()),
                            orEmpty(r.preferences())));
            return subject.map(s -> new TestRunView(id, "draft", TestRun.run(id, graph, s, orEmpty(r.payload()), happenings,
                    clock.instant(), horizon)));
        });
    }

    private static Duration duration(String text, String field) {
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative()) {
                throw InvalidRequestException.field(field, "must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw InvalidRequestException.field(field, "is not an ISO-8601 duration such as P30D");
        }
    }

    private static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }
}
