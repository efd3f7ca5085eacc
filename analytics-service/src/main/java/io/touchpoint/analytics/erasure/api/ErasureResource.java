package io.touchpoint.analytics.erasure.api;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
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
import io.touchpoint.analytics.erasure.store.ErasureReceiptStore;

@Path("/v1/erasure-receipts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@SecurityRequirement(name = "jwt")
public class ErasureResource {

    public record ErasureReceiptView(String erasureId, Instant requestedAt, Instant completedAt) {
    }

    @Inject
    ErasureReceiptStore receipts;

    @GET
    @Path("{erasureId}")
    @WithSession
    @Operation(summary = "Proof that this service erased what it held for one GDPR erasure")
    public Uni<ErasureReceiptView> get(@PathParam("erasureId") String erasureId) {
        return receipts.findById(erasureId)
                .onItem().ifNull().failWith(() -> new NotFoundException("No erasure " + erasureId + " was received."))
                .map(r -> new ErasureReceiptView(r.erasureId, r.requestedAt, r.completedAt));
    }
}
