package io.touchpoint.journey.definition.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.journey.definition.domain.Journey;
import io.touchpoint.journey.definition.domain.JourneyDefinitions;
import io.touchpoint.journey.execution.domain.ActiveJourneys;
import io.touchpoint.journey.execution.domain.JourneyControl;
import io.touchpoint.platform.api.Cursor;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.store.Json;

// Methods registered so QueryParameterFilter can read their query parameters in a native image too.
@RegisterForReflection(methods = true, fields = false)
@Path("/v1/journeys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class JourneyResource {

    /** A journey, its draft, its published version and how many instances are at each node. */
    public record JourneyView(String id, String name, String state, Integer publishedVersion, Map<String, Object> draft,
            Instant createdAt, Instant updatedAt, Map<String, Map<String, Long>> nodes) {
    }

    public record VersionView(String journeyId, int version, Instant publishedAt) {
    }

    private final JourneyDefinitions definitions;
    private final JourneyControl control;
    private final ActiveJourneys active;
    private final Json json;

    JourneyResource(JourneyDefinitions definitions, JourneyControl control, ActiveJourneys active, Json json) {
        this.definitions = definitions;
        this.control = control;
        this.active = active;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a journey as a draft; every problem of the definition is reported at once, with its JSON path")
    public Uni<RestResponse<JourneyView>> create(@RequestBody(content = @Content(schema = @Schema(ref = "JourneyDefinition")))
            Map<String, Object> definition) {
        return definitions.create(definition).map(j -> RestResponse.ResponseBuilder
                .<JourneyView>created(java.net.URI.create("/v1/journeys/" + j.id)).entity(view(j, Map.of())).build());
    }

    @GET
    @WithSession
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "List journeys in id order; pass nextCursor as cursor for the following page")
    public Uni<Page<JourneyView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") int limit,
            @QueryParam(Page.CURSOR) String cursor) {
        if (limit < 1 || limit > 200) {
            throw InvalidRequestException.field(Page.LIMIT, "must be between 1 and 200");
        }
        String after = cursor == null ? "" : Cursor.decode(cursor, 1).get(0);
        return Journey.<Journey>find("id > ?1 order by id", after).range(0, limit - 1).list().map(page -> new Page<>(
                page.stream().map(j -> view(j, Map.of())).toList(),
                page.size() == limit ? Cursor.encode(page.get(page.size() - 1).id) : null));
    }

    @GET
    @Path("{id}")
    @WithSession
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "A journey, with how many instances are at each node now and how many exited there")
    public Uni<JourneyView> get(@PathParam("id") String id) {
        return definitions.existing(id).chain(j -> control.counts(id).map(counts -> view(j, counts)));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the draft; the published versions stay as they are")
    public Uni<JourneyView> update(@PathParam("id") String id,
            @RequestBody(content = @Content(schema = @Schema(ref = "JourneyDefinition"))) Map<String, Object> definition) {
        return definitions.updateDraft(id, definition).map(j -> view(j, Map.of()));
    }

    @POST
    @Path("{id}/publish")
    @KnownQueryParameters
    @Operation(summary = "Publish the draft as the next immutable version and activate the journey; instances in it "
            + "stay on their version (inFlight=stay), move to the same node ids of the new one (move), or exit (exit)")
    public Uni<VersionView> publish(@PathParam("id") String id,
            @QueryParam("inFlight") @DefaultValue("stay") String inFlight) {
        return definitions.publish(id, inFlight).call(active::reload).call(() -> control.settle(id))
                .map(v -> new VersionView(v.journeyId, v.version, v.publishedAt));
    }

    @GET
    @Path("{id}/versions")
    @WithSession
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "The published versions, oldest first")
    public Uni<List<VersionView>> versions(@PathParam("id") String id) {
        return definitions.existing(id).chain(() -> definitions.versions(id))
                .map(vs -> vs.stream().map(v -> new VersionView(v.journeyId, v.version, v.publishedAt)).toList());
    }

    @POST
    @Path("{id}/pause")
    @Operation(summary = "Hold every instance where it is: no one enters, no wait goes on")
    public Uni<JourneyView> pause(@PathParam("id") String id) {
        return definitions.moveTo(id, Journey.PAUSED).call(active::reload).map(j -> view(j, Map.of()));
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Let a paused journey go on: held instances continue at once")
    public Uni<JourneyView> resume(@PathParam("id") String id) {
        return definitions.moveTo(id, Journey.ACTIVE).call(active::reload).call(() -> control.release(id))
                .map(j -> view(j, Map.of()));
    }

    @POST
    @Path("{id}/archive")
    @Operation(summary = "End the journey for good: every instance still in it exits")
    public Uni<JourneyView> archive(@PathParam("id") String id) {
        return definitions.moveTo(id, Journey.ARCHIVED).call(active::reload).call(() -> control.exitAll(id))
                .map(j -> view(j, Map.of()));
    }

    private JourneyView view(Journey j, Map<String, Map<String, Long>> counts) {
        return new JourneyView(j.id, j.name, j.state, j.publishedVersion, json.map(j.draft), j.createdAt, j.updatedAt, counts);
    }
}
