package io.touchpoint.analytics.segment.api;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

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
import io.touchpoint.analytics.report.api.ReportContext;
import io.touchpoint.analytics.report.api.ReportLists;
import io.touchpoint.analytics.report.api.ReportRange;
import io.touchpoint.analytics.segment.domain.FlowCounts;
import io.touchpoint.analytics.time.domain.Granularity;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.touchpoint.contracts.Roles;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;

/**
 * Segment sizes at any instant and over time, and the flows between a set of segments (lifecycle stages).
 * Its methods are registered for reflection so QueryParameterFilter can read their query parameters
 * in a native image too.
 */
@RegisterForReflection(methods = true, fields = false)
@KnownQueryParameters
@Path("/v1/reports")
@RolesAllowed({ Roles.ADMIN, Roles.ANALYST, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class SegmentReportResource {

    static final int MAX_SEGMENTS = 100;
    private static final String SIZES = "Exact segment sizes: at one instant (at), or at the start of each period from `from` to `to` and at `to`";
    private static final String FLOWS = "Flows between a set of segments (stages) over [from, to): moves between them, entries from "
            + "none and exits to none, with each one's size at both ends";

    private final ReportContext context;

    SegmentReportResource(ReportContext context) {
        this.context = context;
    }

    @GET
    @Path("segment-sizes")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = SIZES)
    public Uni<SegmentReportViews.Sizes> sizes(
            @QueryParam("segmentIds") @Parameter(description = "comma-separated segment ids", required = true) String segmentIds,
            @QueryParam("at") @Parameter(description = "one instant (or ISO date, midnight in zone)") String at,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("zone") String zone,
            @QueryParam("granularity") @Parameter(description = "hour, day (default), week or month") String granularity) {
        return sizeReport(segmentIds, at, from, to, zone, granularity);
    }

    @GET
    @Path("segment-sizes")
    @Produces(Csv.PRODUCES)
    @Operation(summary = SIZES + " (CSV: segmentId, at, local, size)")
    public RestMulti<String> sizesCsv(@QueryParam("segmentIds") String segmentIds, @QueryParam("at") String at,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("zone") String zone,
            @QueryParam("granularity") String granularity) {
        return Csv.stream(sizeReport(segmentIds, at, from, to, zone, granularity).map(r -> {
            List<List<Object>> rows = new ArrayList<>();
            r.segments().forEach(s -> s.points().forEach(p -> rows.add(List.of(s.segmentId(), p.at(), p.local(), p.size()))));
            return new Csv.Table(new io.touchpoint.analytics.report.api.Freshness(r.asOf(), r.freshnessSeconds()),
                    List.of("segmentId", "at", "local", "size"), rows);
        }));
    }

    private Uni<SegmentReportViews.Sizes> sizeReport(String segmentIdsText, String atText, String from, String to, String zoneText,
            String granularityText) {
        List<String> segmentIds = ReportLists.ids("segmentIds", segmentIdsText, 1, MAX_SEGMENTS);
        ZoneId zone = ReportRange.zone(zoneText);
        List<Instant> points = new ArrayList<>();
        Granularity granularity = null;
        if (atText != null && !atText.isBlank()) {
            if (from != null || to != null) {
                throw InvalidRequestException.field("at", "give either at or from and to, not both");
            }
            points.add(ReportRange.instant("at", atText, zone));
        } else {
            granularity = ReportRange.granularity(granularityText, Granularity.DAY);
            Instant[] range = ReportRange.range(from, to, zone, context.clock().instant());
            TimeGrid grid = ReportRange.grid(range[0], range[1], zone, granularity);
            grid.periods().forEach(p -> points.add(p.start()));
            points.add(grid.to());
            if ((long) points.size() * segmentIds.size() > ReportRange.MAX_POINTS) {
                throw InvalidRequestException.field("segmentIds", "the report would hold " + (long) points.size() * segmentIds.size()
                        + " points (instants × segments); at most " + ReportRange.MAX_POINTS);
            }
        }
        String granularityName = granularity == null ? null : granularity.text();
        return context.requireSegments("segmentIds", segmentIds)
                .chain(() -> Uni.combine().all().unis(context.store().segmentSizes(segmentIds, points),
                        context.freshness(Topic.SEGMENT_MEMBERSHIPS)).asTuple())
                .map(both -> {
                    List<SegmentReportViews.SegmentSeries> series = new ArrayList<>();
                    for (String id : segmentIds) {
                        long[] sizes = both.getItem1().get(id);
                        List<SegmentReportViews.SizePoint> out = new ArrayList<>();
                        for (int i = 0; i < points.size(); i++) {
                            out.add(new SegmentReportViews.SizePoint(points.get(i), points.get(i).atZone(zone).toOffsetDateTime().toString(),
                                    sizes[i]));
                        }
                        series.add(new SegmentReportViews.SegmentSeries(id, out));
                    }
                    return new SegmentReportViews.Sizes(both.getItem2().asOf(), both.getItem2().freshnessSeconds(), zone.getId(),
                            granularityName, series);
                });
    }

    @GET
    @Path("stage-flows")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = FLOWS)
    public Uni<SegmentReportViews.Flows> flows(
            @QueryParam("segmentIds") @Parameter(description = "comma-separated segment ids, two or more (the stages)", required = true) String segmentIds,
            @QueryParam("from") @Parameter(description = "ISO date (midnight in zone) or instant; default 30 days before to") String from,
            @QueryParam("to") @Parameter(description = "ISO date or instant, exclusive; default now") String to,
            @QueryParam("zone") @Parameter(description = "IANA zone the dates are read in; default UTC") String zone) {
        return flowReport(segmentIds, from, to, zone);
    }

    @GET
    @Path("stage-flows")
    @Produces(Csv.PRODUCES)
    @Operation(summary = FLOWS + " (CSV: from, to, count; empty for none of the set)")
    public RestMulti<String> flowsCsv(@QueryParam("segmentIds") String segmentIds, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("zone") String zone) {
        return Csv.stream(flowReport(segmentIds, from, to, zone).map(r -> new Csv.Table(
                new io.touchpoint.analytics.report.api.Freshness(r.asOf(), r.freshnessSeconds()), List.of("from", "to", "count"),
                r.flows().stream().map(f -> java.util.Arrays.<Object>asList(f.from(), f.to(), f.count())).toList())));
    }

    private Uni<SegmentReportViews.Flows> flowReport(String segmentIdsText, String fromText, String toText, String zoneText) {
        List<String> segmentIds = ReportLists.ids("segmentIds", segmentIdsText, 2, MAX_SEGMENTS);
        ZoneId zone = ReportRange.zone(zoneText);
        Instant[] range = ReportRange.range(fromText, toText, zone, context.clock().instant());
        return context.requireSegments("segmentIds", segmentIds)
                .chain(() -> Uni.combine().all().unis(context.store().flows(segmentIds, range[0], range[1]),
                        context.freshness(Topic.SEGMENT_MEMBERSHIPS)).asTuple())
                .map(both -> {
                    FlowCounts f = both.getItem1();
                    List<SegmentReportViews.StageTotals> totals = segmentIds.stream().map(id -> {
                        long[] ee = f.entriesExits().getOrDefault(id, new long[2]);
                        return new SegmentReportViews.StageTotals(id, f.sizeAtFrom().getOrDefault(id, 0L), ee[0], ee[1],
                                f.sizeAtTo().getOrDefault(id, 0L));
                    }).toList();
                    List<SegmentReportViews.FlowCell> cells = f.matrix().stream()
                            .map(c -> new SegmentReportViews.FlowCell(c.from(), c.to(), c.count())).toList();
                    return new SegmentReportViews.Flows(both.getItem2().asOf(), both.getItem2().freshnessSeconds(), range[0], range[1],
                            segmentIds, totals, cells);
                });
    }
}
