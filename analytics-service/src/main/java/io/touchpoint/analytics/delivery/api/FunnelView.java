package io.touchpoint.analytics.delivery.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.analytics.delivery.domain.FunnelCounts;
import io.touchpoint.analytics.delivery.domain.Metric;
import io.touchpoint.analytics.report.api.Rate;

/** The JSON of a message funnel. */
@RegisterForReflection
@Schema(name = "Funnel")
public record FunnelView(Instant asOf, Double freshnessSeconds, Instant from, Instant to, String zone, String granularity,
        Map<String, String> filter, List<String> groupBy, Counts totals, List<Group> groups, List<Point> series) {

    @RegisterForReflection
    public record Count(@Schema(description = "messages it happened to") long unique,
            @Schema(description = "how often it happened") long total) {
    }

    @RegisterForReflection
    @Schema(name = "FunnelCounts", description = "Messages counted at their send time (suppressed and failed ones at the "
            + "first thing that happened to them). Every rate is over messages sent, except click-to-open.")
    public record Counts(long requested, Count sent, Count delivered, Count opened, Count openedHuman, Count clicked,
            Count clickedHuman, Count unsubscribed, Count bounced, Count complained, Count suppressed, Count failed,
            Count unknown, Map<String, Long> suppressedByReason, Map<String, Rate> rates) {

        public static Counts of(FunnelCounts c) {
            Map<String, Rate> rates = new LinkedHashMap<>();
            for (FunnelCounts.Rate r : FunnelCounts.RATES) {
                rates.put(r.name(), Rate.of(c.unique(r.numerator()), c.unique(r.denominator())));
            }
            return new Counts(c.requested(), count(c, Metric.SENT), count(c, Metric.DELIVERED), count(c, Metric.OPENED),
                    count(c, Metric.OPENED_HUMAN), count(c, Metric.CLICKED), count(c, Metric.CLICKED_HUMAN),
                    count(c, Metric.UNSUBSCRIBED), count(c, Metric.BOUNCED), count(c, Metric.COMPLAINED),
                    count(c, Metric.SUPPRESSED), count(c, Metric.FAILED), count(c, Metric.UNKNOWN),
                    Map.copyOf(c.suppressedByReason()), rates);
        }

        private static Count count(FunnelCounts c, Metric m) {
            return new Count(c.unique(m), c.total(m));
        }
    }

    @RegisterForReflection
    public record Group(Map<String, String> group, Counts totals) {
    }

    @RegisterForReflection
    public record Point(@Schema(description = "the period's start in the report's zone") String period, Instant start,
            Instant end, Map<String, String> group, Counts counts) {
    }
}
