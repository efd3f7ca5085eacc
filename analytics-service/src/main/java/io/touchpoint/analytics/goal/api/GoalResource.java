package io.touchpoint.analytics.goal.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.goal.domain.Goal;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.Roles;
import io.touchpoint.platform.api.Cursor;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;

/**
 * Conversion goals, the configuration marketers and analysts keep for conversion, experiment and
 * campaign reports: {@code PUT} by a stable key creates or replaces (the same definition again
 * changes nothing), as {@code ./touchpoint apply} installs the examples' goals.
 * Methods registered for reflection so QueryParameterFilter can read their query parameters in a
 * native image too.
 */
@RegisterForReflection(methods = true, fields = false)
@KnownQueryParameters
@CustomDeserialization(StrictBody.class)
@Path("/v1/goals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
@SecurityRequirement(name = "jwt")
public class GoalResource {

    @RegisterForReflection
    public record GoalDefinition(String name, String description, List<String> events, String revenueProperty) {
    }

    @RegisterForReflection
    public record GoalView(String key, String name, String description, List<String> events, String revenueProperty,
            Instant createdAt, Instant updatedAt) {

        static GoalView of(Goal g) {
            return new GoalView(g.key(), g.name(), g.description(), g.events(), g.revenueProperty(), g.createdAt(), g.updatedAt());
        }
    }

    private final AnalyticsStore store;
    private final Clock clock;

    GoalResource(AnalyticsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "List goals in key order; pass nextCursor as cursor for the following page")
    public Uni<Page<GoalView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") int limit, @QueryParam(Page.CURSOR) String cursor) {
        if (limit < 1 || limit > 200) {
            throw InvalidRequestException.field(Page.LIMIT, "must be between 1 and 200");
        }
        String after = cursor == null ? "" : Cursor.decode(cursor, 1).get(0);
        return store.goals(after, limit).map(page -> new Page<>(page.stream().map(GoalView::of).toList(),
                page.size() == limit ? Cursor.encode(page.get(page.size() - 1).key()) : null));
    }

    @GET
    @Path("{key}")
    @Operation(summary = "One goal")
    public Uni<GoalView> get(@PathParam("key") String key) {
        return store.goal(key).map(found -> GoalView.of(found.orElseThrow(() -> new NotFoundException("No goal " + key + " exists."))));
    }

    @PUT
    @Path("{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create (201) or replace (200) the goal under this key: the events that count and the property holding "
            + "their revenue; the same definition again changes nothing")
    public Uni<RestResponse<GoalView>> put(@PathParam("key") String key, GoalDefinition body) {
        if (body == null) {
            throw InvalidRequestException.field("body", "is required: name, events, revenueProperty");
        }
        Goal goal = Goal.defined(key, body.name(), body.description(), body.events(), body.revenueProperty());
        return store.putGoal(goal, clock.instant()).map(saved -> saved.outcome() == AnalyticsStore.Outcome.CREATED
                ? RestResponse.ResponseBuilder.<GoalView>created(URI.create("/v1/goals/" + key)).entity(GoalView.of(saved.item())).build()
                : RestResponse.ok(GoalView.of(saved.item())));
    }

    @DELETE
    @Path("{key}")
    @Operation(summary = "Remove a goal (reports naming it answer 400 afterwards)")
    public Uni<RestResponse<Void>> delete(@PathParam("key") String key) {
        return store.deleteGoal(key).map(deleted -> {
            if (!deleted) {
                throw new NotFoundException("No goal " + key + " exists.");
            }
            return RestResponse.noContent();
        });
    }
}
