package io.touchpoint.segmentation.preset.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.segmentation.preset.domain.Presets;
import io.touchpoint.segmentation.segment.domain.SegmentService;

@Path("/v1/presets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class PresetResource {

    @RegisterForReflection
    public record InstalledSegment(String id, String name, long version, String state) {
    }

    @RegisterForReflection
    public record Installed(String preset, Map<String, Object> settings, List<InstalledSegment> segments) {
    }

    @Inject
    SegmentService service;

    @POST
    @Path("{preset}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
    @Operation(summary = "Install or re-install a preset (lifecycle, rfm, margin-groups) as active segments; "
            + "idempotent: an unchanged segment keeps its version; the body's settings override the defaults")
    public Uni<Installed> install(@PathParam("preset") String preset, Map<String, Object> settings) {
        if (!Presets.NAMES.contains(preset)) {
            throw new NotFoundException("No preset " + preset + " exists; there are " + String.join(", ", Presets.NAMES) + ".");
        }
        var built = Presets.build(preset, settings);
        return service.install(built.segments()).map(saved -> new Installed(preset, built.settings(),
                saved.stream().map(s -> new InstalledSegment(s.id(), s.name(), s.version(), s.state().jsonName())).toList()));
    }
}
