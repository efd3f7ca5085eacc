package io.touchpoint.analytics.segment.api;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The JSON of the segment reports. */
final class SegmentReportViews {

    private SegmentReportViews() {
    }

    @RegisterForReflection
    @Schema(name = "SegmentSizes")
    public record Sizes(Instant asOf, Double freshnessSeconds, String zone, String granularity, List<SegmentSeries> segments) {
    }

    @RegisterForReflection
    public record SegmentSeries(String segmentId, List<SizePoint> points) {
    }

    @RegisterForReflection
    public record SizePoint(Instant at, @Schema(description = "the instant in the report's zone") String local,
            @Schema(description = "members at that instant: transitions before it") long size) {
    }

    @RegisterForReflection
    @Schema(name = "StageFlows")
    public record Flows(Instant asOf, Double freshnessSeconds, Instant from, Instant to, List<String> segmentIds,
            List<StageTotals> segments, List<FlowCell> flows) {
    }

    @RegisterForReflection
    public record StageTotals(String segmentId, long sizeAtFrom, long entries, long exits, long sizeAtTo) {
    }

    @RegisterForReflection
    public record FlowCell(@Schema(description = "the stage left; null: none of the set") String from,
            @Schema(description = "the stage entered; null: none of the set") String to, long count) {
    }
}
