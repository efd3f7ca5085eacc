package io.touchpoint.platform.erasure;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.platform.erasure.ErasureReceiptStore.ErasureReceipt;

@Path("/v1/erasure-receipts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@SecurityRequirement(name = "jwt")
public class ErasureResource {

    private final ErasureReceiptStore receipts;

    ErasureResource(ErasureReceiptStore receipts) {
        this.receipts = receipts;
    }

    @GET
    @Path("{erasureId}")
    @Operation(summary = "Proof that this service erased what it held for one GDPR erasure")
    public Uni<ErasureReceipt> get(@PathParam("erasureId") String erasureId) {
        return receipts.find(erasureId).map(found -> found
                .orElseThrow(() -> new NotFoundException("No erasure " + erasureId + " was received.")));
    }
}
