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
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.MembershipStore;
import io.vertx.mutiny.sqlclient.Pool;

@Path("/v1/profiles")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class ProfileMembershipResource {

    @RegisterForReflection
    public record ProfileSegments(String profileId, List<Entry> segments) {
    }

    @RegisterForReflection
    public record Entry(String segmentId, Instant enteredAt) {
    }

    @Inject
    MembershipCache cache;
    @Inject
    MembershipStore memberships;
    @Inject
    Pool pool;

    @GET
    @Path("{profileId}/segments")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "The segments a profile is in now and when it entered each (served from Redis when cached)")
    public Uni<ProfileSegments> segments(@PathParam("profileId") String profileId) {
        return cache.read(profileId, () -> pool.withConnection(sql -> memberships.ofProfile(sql, profileId)))
                .map(m -> new ProfileSegments(profileId,
                        m.entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue())).toList()));
    }
}
