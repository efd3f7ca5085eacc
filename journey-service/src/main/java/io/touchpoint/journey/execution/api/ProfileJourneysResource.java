package io.touchpoint.journey.execution.api;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.journey.execution.domain.JourneyControl;
import io.touchpoint.journey.execution.store.InstanceStore;

@Path("/v1/profiles/{profileId}/journeys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
@SecurityRequirement(name = "jwt")
public class ProfileJourneysResource {

    public record InstanceView(String instanceId, String journeyId, int version, String entryKey, String state, String nodeId,
            Instant enteredAt, String exitReason, java.util.Map<String, Object> entry, String arm, Instant goalAt,
            List<InstanceStore.Step> steps) {
    }

    public record ProfileJourneys(String profileId, List<InstanceView> journeys) {
    }

    private final JourneyControl control;

    ProfileJourneysResource(JourneyControl control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "Every journey the profile entered, where it is, and each step it took and why")
    public Uni<ProfileJourneys> journeys(@PathParam("profileId") String profileId) {
        return control.ofProfile(profileId).chain(instances -> Multi.createFrom().iterable(instances)
                .onItem().transformToUniAndConcatenate(i -> control.steps(i.id()).map(steps -> new InstanceView(i.id(),
                        i.journeyId(), i.version(), i.entryKey(), i.state(), i.nodeId(), i.enteredAt(), i.exitReason(), i.entry(), i.arm(), i.goalAt(), steps)))
                .collect().asList())
                .map(views -> new ProfileJourneys(profileId, views));
    }
}
