package io.touchpoint.journey.execution.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.Roles;
import io.touchpoint.journey.execution.domain.ApiEntries;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.StrictBody;

@CustomDeserialization(StrictBody.class)
@Path("/v1/journeys/{id}/entries")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class JourneyEntryResource {

    /** {@code key}: the caller's idempotency key; {@code recipients}: who enters, each with a payload. */
    public record EntryRequest(String key, List<Recipient> recipients) {
    }

    public record Recipient(String profileId, Map<String, Object> payload) {
    }

    private final ApiEntries entries;

    JourneyEntryResource(ApiEntries entries) {
        this.entries = entries;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enter up to 1,000 profiles, each with a payload, into an API-triggered journey; "
            + "repeating a call with the same key enters nobody again and returns the first answer")
    public Uni<ApiEntries.Answer> enter(@PathParam("id") String id, EntryRequest request) {
        if (request == null) {
            throw InvalidRequestException.field("body", "is required: {\"key\": ..., \"recipients\": [{\"profileId\": ...}]}");
        }
        List<Problem.Violation> problems = new java.util.ArrayList<>();
        if (request.key() == null || request.key().isBlank() || request.key().length() > 200) {
            problems.add(new Problem.Violation("key", "is required: an idempotency key of 1 to 200 characters"));
        }
        if (request.recipients() == null || request.recipients().isEmpty()) {
            problems.add(new Problem.Violation("recipients", "is required: 1 to " + ApiEntries.MAX_RECIPIENTS + " recipients"));
        } else if (request.recipients().size() > ApiEntries.MAX_RECIPIENTS) {
            problems.add(new Problem.Violation("recipients", "at most " + ApiEntries.MAX_RECIPIENTS + " recipients per call, not "
                    + request.recipients().size()));
        } else {
            for (int i = 0; i < request.recipients().size(); i++) {
                Recipient r = request.recipients().get(i);
                if (r == null || r.profileId() == null || r.profileId().isBlank() || r.profileId().length() > 200) {
                    problems.add(new Problem.Violation("recipients[" + i + "].profileId", "is required: a profile id"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The entry request is not valid.", problems);
        }
        return entries.enter(id, request.key(), request.recipients().stream()
                .map(r -> new ApiEntries.Recipient(r.profileId(), r.payload() == null ? Map.of() : r.payload())).toList());
    }
}
