package io.touchpoint.analytics.conversion.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestMulti;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.report.api.Csv;
import io.touchpoint.contracts.Roles;
import io.touchpoint.platform.api.KnownQueryParameters;

// Methods registered so the filter can read their query parameters in a native image too.
@RegisterForReflection(methods = true, fields = false)
@KnownQueryParameters
@Path("/v1/reports/conversions")
@RolesAllowed({ Roles.ADMIN, Roles.ANALYST, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class ConversionResource {

    private static final String SUMMARY = "Conversions: the goal's events in [from, to), each credited to the last message that "
            + "touched the profile (received, opened or clicked by a person) within windowDays before it; with revenue, "
            + "recipients, conversion rate and revenue per recipient, per group and period";

    private final ConversionReports reports;

    ConversionResource(ConversionReports reports) {
        this.reports = reports;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = SUMMARY)
    public Uni<ConversionView> json(@QueryParam("goal") @Parameter(description = "a goal's key (/v1/goals)", required = true) String goal,
            @QueryParam("touch") @Parameter(description = "received (default), opened, clicked") String touch,
            @QueryParam("windowDays") @Parameter(description = "1 to 365, default 7") String windowDays,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("zone") String zone,
            @QueryParam("granularity") String granularity, @QueryParam("journeyId") String journeyId,
            @QueryParam("nodeId") String nodeId, @QueryParam("templateId") String templateId, @QueryParam("channel") String channel,
            @QueryParam("arm") String arm,
            @QueryParam("groupBy") @Parameter(description = "comma-separated: journey, node, template, channel, arm") String groupBy) {
        return reports.run(new ConversionReports.Request(goal, touch, windowDays, from, to, zone, granularity, journeyId, nodeId,
                templateId, channel, arm, groupBy));
    }

    @GET
    @Produces(Csv.PRODUCES)
    @Operation(summary = SUMMARY + " (CSV: the series)")
    public RestMulti<String> csv(@QueryParam("goal") String goal, @QueryParam("touch") String touch,
            @QueryParam("windowDays") String windowDays, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("zone") String zone, @QueryParam("granularity") String granularity, @QueryParam("journeyId") String journeyId,
            @QueryParam("nodeId") String nodeId, @QueryParam("templateId") String templateId, @QueryParam("channel") String channel,
            @QueryParam("arm") String arm, @QueryParam("groupBy") String groupBy) {
        return Csv.stream(reports.run(new ConversionReports.Request(goal, touch, windowDays, from, to, zone, granularity, journeyId,
                nodeId, templateId, channel, arm, groupBy)).map(ConversionReports::table));
    }
}
