package io.touchpoint.analytics.delivery.api;

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
@Path("/v1/reports/funnel")
@RolesAllowed({ Roles.ADMIN, Roles.ANALYST, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class FunnelResource {

    private static final String SUMMARY = "Message funnel: sent, delivered, opened (all and human), clicked, unsubscribed, bounced, "
            + "complained, suppressed by reason, failed; unique and total; rates with numerator and denominator; per period "
            + "of the zone and per group. Messages count at their send time.";

    private final FunnelReports reports;

    FunnelResource(FunnelReports reports) {
        this.reports = reports;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = SUMMARY)
    public Uni<FunnelView> json(@QueryParam("from") @Parameter(description = "ISO date (midnight in zone) or instant; default 30 days before to") String from,
            @QueryParam("to") @Parameter(description = "ISO date or instant, exclusive; default now") String to,
            @QueryParam("zone") @Parameter(description = "IANA zone the periods are in; default UTC") String zone,
            @QueryParam("granularity") @Parameter(description = "hour, day (default), week or month") String granularity,
            @QueryParam("journeyId") String journeyId, @QueryParam("nodeId") String nodeId,
            @QueryParam("templateId") String templateId, @QueryParam("channel") String channel,
            @QueryParam("arm") @Parameter(description = "a split arm, e.g. A; holdout has no messages") String arm,
            @QueryParam("groupBy") @Parameter(description = "comma-separated: journey, node, template, channel, arm") String groupBy) {
        return reports.run(new FunnelReports.Request(from, to, zone, granularity, journeyId, nodeId, templateId, channel, arm, groupBy))
                .map(FunnelReports::view);
    }

    @GET
    @Produces(Csv.PRODUCES)
    @Operation(summary = SUMMARY + " As CSV, one line per period and group.")
    public RestMulti<String> csv(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("zone") String zone,
            @QueryParam("granularity") String granularity, @QueryParam("journeyId") String journeyId,
            @QueryParam("nodeId") String nodeId, @QueryParam("templateId") String templateId,
            @QueryParam("channel") String channel, @QueryParam("arm") String arm, @QueryParam("groupBy") String groupBy) {
        return Csv.stream(reports.run(new FunnelReports.Request(from, to, zone, granularity, journeyId, nodeId, templateId, channel,
                arm, groupBy)).map(FunnelReports::table));
    }
}
