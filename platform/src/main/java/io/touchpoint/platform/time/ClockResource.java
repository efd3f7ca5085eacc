package io.touchpoint.platform.time;

import java.time.Clock;
import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.touchpoint.contracts.Roles;
import io.touchpoint.platform.api.ConflictException;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.StrictBody;

/**
 * The simulated clock of a local stack, moved for every service at once by {@code ./touchpoint
 * clock advance 30d}. Answers 404 unless the service runs with {@code touchpoint.clock.simulated}.
 */
@CustomDeserialization(StrictBody.class)
@Path("/v1/dev/clock")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@SecurityRequirement(name = "jwt")
public class ClockResource {

    public record ClockView(Instant instant) {
    }

    private final ClockConfig config;
    private final Clock clock;
    private final AdjustableClock adjustable;

    ClockResource(ClockConfig config, Clock clock, AdjustableClock adjustable) {
        this.config = config;
        this.clock = clock;
        this.adjustable = adjustable;
    }

    @GET
    @Operation(summary = "The simulated clock's instant (local stack with --simulated-clock only)")
    public ClockView get() {
        simulated();
        return new ClockView(clock.instant());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move the simulated clock forward to an instant; every wake-up that falls due fires in order")
    public ClockView set(ClockView body) {
        simulated();
        if (body == null || body.instant() == null) {
            throw InvalidRequestException.field("instant", "is required, an ISO-8601 instant such as 2027-01-01T09:00:00Z");
        }
        try {
            adjustable.moveTo(body.instant());
        } catch (IllegalArgumentException e) {
            throw new ConflictException(e.getMessage());
        }
        return new ClockView(clock.instant());
    }

    private void simulated() {
        if (!config.simulated() || clock != adjustable) {
            throw new NotFoundException("This service does not run on a simulated clock.");
        }
    }
}
