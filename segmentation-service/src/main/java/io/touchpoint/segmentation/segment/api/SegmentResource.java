package io.touchpoint.segmentation.segment.api;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.Roles;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.StrictBody;
import io.touchpoint.segmentation.membership.store.ComputationStore;
import io.touchpoint.segmentation.membership.store.MembershipStore;
import io.touchpoint.segmentation.membership.store.SegmentSizes;
import io.touchpoint.segmentation.segment.domain.Segment;
import io.touchpoint.segmentation.segment.domain.SegmentService;
import io.touchpoint.segmentation.segment.store.SegmentStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

@CustomDeserialization(StrictBody.class)
@Path("/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
@RegisterForReflection(targets = { SegmentService.Preview.class, SegmentService.Explanation.class,
        ConditionEvaluator.Trace.class })
public class SegmentResource {

    @RegisterForReflection
    public record SegmentRequest(String name, String description, List<String> tags, String state, Object condition) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SegmentView(String id, String name, String description, List<String> tags, String state,
            Object condition, long version, Instant createdAt, Instant updatedAt, Long size, ComputationView computation) {

        static SegmentView of(Segment s, Long size, ComputationView computation) {
            return new SegmentView(s.id(), s.name(), s.description(), s.tags(), s.state().jsonName(), s.condition(),
                    s.version(), s.createdAt(), s.updatedAt(), size, computation);
        }
    }

    /**
     * A bulk pass over every known profile: {@code progress} is the share of the profiles known when
     * it started that it has evaluated (1 once completed), {@code sizes} each segment's member count
     * when it completed. States: running, completed, superseded (a newer save took over), failed.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ComputationView(String id, List<String> segmentIds, String state, Long profilesTotal,
            long profilesEvaluated, Double progress, long transitions, Map<String, Long> sizes, int attempts, String error,
            Instant startedAt, Instant updatedAt, Instant finishedAt) {

        static ComputationView of(ComputationStore.Computation c) {
            Double progress = ComputationStore.COMPLETED.equals(c.state()) ? Double.valueOf(1.0)
                    : c.profilesTotal() == null ? null
                    : c.profilesTotal() == 0 ? Double.valueOf(0.0)
                    : Double.valueOf(Math.min(1.0, (double) c.profilesEvaluated() / c.profilesTotal()));
            return new ComputationView(c.id(), c.segmentIds(), c.state(), c.profilesTotal(), c.profilesEvaluated(), progress,
                    c.transitions(), c.sizes(), c.attempts(), c.error(), c.startedAt(), c.updatedAt(), c.finishedAt());
        }
    }

    @RegisterForReflection
    public record ComputationPage(List<ComputationView> items, String nextCursor) {
    }

    @RegisterForReflection
    public record SegmentPage(List<SegmentView> items, String nextCursor) {
    }

    @RegisterForReflection
    public record MemberView(String profileId, Instant enteredAt) {
    }

    @RegisterForReflection
    public record MemberPage(List<MemberView> items, String nextCursor) {
    }

    @RegisterForReflection
    public record PreviewRequest(Object condition, Integer sampleSize) {
    }

    @Inject
    SegmentService service;
    @Inject
    SegmentStore segments;
    @Inject
    MembershipStore memberships;
    @Inject
    SegmentSizes sizes;
    @Inject
    ComputationStore computations;
    @Inject
    Pool pool;

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
    @Operation(summary = "Create a segment; an active one is computed over all known profiles right after")
    public Uni<Response> create(SegmentRequest request) {
        return service.create(definition(request)).chain(this::view).map(v -> Response.created(URI.create("/v1/segments/" + v.id()))
                .entity(v).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "List segments in id order; pass nextCursor as cursor for the following page")
    public Uni<SegmentPage> list(@QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("cursor") String after) {
        int size = checkLimit(limit);
        return pool.withConnection(sql -> segments.page(sql, size, after)).map(page -> new SegmentPage(
                page.stream().map(s -> SegmentView.of(s, null, null)).toList(),
                page.size() == size ? page.get(page.size() - 1).id() : null));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "A segment with its current size and its latest bulk computation")
    public Uni<SegmentView> get(@PathParam("id") String id) {
        return pool.withConnection(sql -> segments.find(sql, id, false).chain(found -> {
            Segment s = found.orElseThrow(() -> new NotFoundException("No segment " + id + " exists."));
            return sizes.size(id, () -> memberships.size(sql, id)).chain(size -> computations.forSegment(sql, id, 1, null)
                    .map(latest -> SegmentView.of(s, size, latest.isEmpty() ? null : ComputationView.of(latest.get(0)))));
        }));
    }

    @PUT
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
    @Operation(summary = "Replace a segment's definition; the version grows and membership is recomputed")
    public Uni<SegmentView> update(@PathParam("id") String id, SegmentRequest request) {
        return service.update(id, definition(request)).chain(this::view);
    }

    @GET
    @Path("{id}/computations")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "The segment's bulk computations, newest first, with progress and final counts; pass nextCursor as cursor for older ones")
    public Uni<ComputationPage> computations(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("20") int limit,
            @QueryParam("cursor") String after) {
        int size = checkLimit(limit);
        return ofExistingSegment(id, sql -> computations.forSegment(sql, id, size, after)).map(page -> new ComputationPage(page.stream().map(ComputationView::of).toList(),
                page.size() == size ? page.get(page.size() - 1).id() : null));
    }

    @GET
    @Path("{id}/computations/{computationId}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "One bulk computation of the segment: state, progress, transitions and final counts")
    public Uni<ComputationView> computation(@PathParam("id") String id, @PathParam("computationId") String computationId) {
        return pool.withConnection(sql -> computations.find(sql, computationId)).map(found -> found
                .filter(c -> c.segmentIds().contains(id)).map(ComputationView::of)
                .orElseThrow(() -> new NotFoundException("Segment " + id + " has no computation " + computationId + ".")));
    }

    /** What {@code read} finds on one connection, once segment {@code id} is known to exist; else a 404. */
    private <T> Uni<T> ofExistingSegment(String id, Function<SqlClient, Uni<T>> read) {
        return pool.withConnection(sql -> segments.find(sql, id, false).chain(found -> {
            if (found.isEmpty()) {
                throw new NotFoundException("No segment " + id + " exists.");
            }
            return read.apply(sql);
        }));
    }

    /** A saved segment with the pass its save started, as it stands now. */
    private Uni<SegmentView> view(SegmentService.Saved saved) {
        return pool.withConnection(sql -> computations.find(sql, saved.computationId()))
                .map(c -> SegmentView.of(saved.segment(), null, c.map(ComputationView::of).orElse(null)));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
    @Operation(summary = "Delete a segment no active segment uses; its members exit")
    public Uni<Response> delete(@PathParam("id") String id) {
        return service.delete(id).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("{id}/members")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "Current members in profile id order; pass nextCursor as cursor for the following page")
    public Uni<MemberPage> members(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("cursor") String after) {
        int size = checkLimit(limit);
        return ofExistingSegment(id, sql -> memberships.members(sql, id, size, after)).map(page -> new MemberPage(page.stream().map(m -> new MemberView(m.profileId(), m.enteredAt())).toList(),
                page.size() == size ? page.get(page.size() - 1).profileId() : null));
    }

    @POST
    @Path("preview")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "Size and a sample of the known profiles an unsaved condition would hold now")
    public Uni<SegmentService.Preview> preview(PreviewRequest request) {
        if (request == null) {
            throw InvalidRequestException.field("", "a JSON body is required");
        }
        int sample = request.sampleSize() == null ? 10 : request.sampleSize();
        if (sample < 0 || sample > 100) {
            throw InvalidRequestException.field("sampleSize", "must be from 0 to 100");
        }
        return service.preview(request.condition(), sample);
    }

    @GET
    @Path("{id}/explain/{profileId}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "Which conditions hold for a profile now, with the values seen")
    public Uni<SegmentService.Explanation> explain(@PathParam("id") String id, @PathParam("profileId") String profileId) {
        return service.explain(id, profileId);
    }

    private static int checkLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw InvalidRequestException.field("limit", "must be from 1 to 1000");
        }
        return limit;
    }

    private static SegmentService.Definition definition(SegmentRequest r) {
        if (r == null) {
            throw InvalidRequestException.field("", "a JSON body is required");
        }
        return new SegmentService.Definition(r.name(), r.description(), r.tags(), r.state(), r.condition());
    }
}
