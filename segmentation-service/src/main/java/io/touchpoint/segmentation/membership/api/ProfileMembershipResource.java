package io.touchpoint.segmentation.membership.api;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.MembershipStore;
import io.vertx.mutiny.sqlclient.Pool;

@Path("/v1/profiles")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class ProfileMembershipResource {

    public record ProfileSegments(String profileId, List<Entry> segments) {
    }

    public record Entry(String segmentId, Instant enteredAt) {
    }

    @Inject
    MembershipCache cache;
    @Inject
    MembershipStore memberships;
    @Inject
    Pool pool;

    /** The JSON is written by {@link ProfileSegmentsJson}; the records above only describe it in OpenAPI. */
    @GET
    @Path("{profileId}/segments")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "The segments a profile is in now and when it entered each (served from Redis when cached)")
    @APIResponse(responseCode = "200", description = "in segment id order", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProfileSegments.class)))
    public Uni<byte[]> segments(@PathParam("profileId") String profileId) {
        return cache.read(profileId, () -> pool.withConnection(sql -> memberships.ofProfile(sql, profileId)))
                .map(segments -> ProfileSegmentsJson.render(profileId, segments));
    }
}
