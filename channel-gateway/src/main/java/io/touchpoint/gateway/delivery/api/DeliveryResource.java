package io.touchpoint.gateway.delivery.api;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.vertx.mutiny.sqlclient.Pool;

/** The ledger's answer to "what happened to this request, and why": its state and every decision. */
@Path("/v1/deliveries")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
@SecurityRequirement(name = "jwt")
public class DeliveryResource {

    @RegisterForReflection
    public record DecisionView(Instant at, String state, String channel, String reason, String detail) {
    }

    @RegisterForReflection
    public record DeliveryView(String requestId, String deliveryId, String profileId, String journeyId, String templateId,
            String topic, boolean transactional, String channel, String state, String reason, String detail,
            Instant requestedAt, Instant expiresAt, int attempts, Integer parts, List<DecisionView> decisions) {
    }

    private final Pool pool;
    private final DeliveryStore ledger;

    DeliveryResource(Pool pool, DeliveryStore ledger) {
        this.pool = pool;
        this.ledger = ledger;
    }

    @GET
    @Path("{requestId}")
    @Operation(summary = "A message request's delivery: its state, its channel and every decision with its reason code")
    public Uni<DeliveryView> get(@PathParam("requestId") String requestId) {
        return pool.withConnection(sql -> ledger.find(sql, requestId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(new NotFoundException("No delivery for request " + requestId + "."));
            }
            var d = found.get();
            return ledger.attempts(sql, requestId).chain(attempts -> ledger.decisions(sql, requestId).map(decisions -> new DeliveryView(
                    d.requestId(), d.deliveryId(), d.profileId(), d.journeyId(), d.templateId(), d.topic(), d.transactional(),
                    d.channel(), d.state().code(), d.reason(), d.detail(), d.requestedAt(), d.expiresAt(), attempts.count(),
                    attempts.parts(), decisions.stream()
                            .map(x -> new DecisionView(x.at(), x.state().code(), x.channel(), x.reason(), x.detail())).toList())));
        }));
    }
}
