package io.touchpoint.profile.erasure.api;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.profile.erasure.domain.ErasureJob;

/** The erasures this service was asked for; the receipts every service keeps are the platform's. */
@Path("/v1/erasures")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@SecurityRequirement(name = "jwt")
public class ErasureResource {

    public record ErasureJobView(String erasureId, String status, Instant requestedAt, Instant completedAt,
            String requestedBy) {
    }

    @GET
    @Path("{erasureId}")
    @WithSession
    @Operation(summary = "Progress of a GDPR erasure: accepted (deleted here), completed (every service told)")
    public Uni<ErasureJobView> job(@PathParam("erasureId") String erasureId) {
        return ErasureJob.<ErasureJob>findById(erasureId)
                .onItem().ifNull().failWith(() -> new NotFoundException("No erasure " + erasureId + "."))
                .map(j -> new ErasureJobView(j.id, j.status, j.requestedAt, j.completedAt, j.requestedBy));
    }
}
