package io.touchpoint.analytics.conversion.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.analytics.report.api.Rate;

/** The JSON of a conversion (attribution) report. */
@RegisterForReflection
@Schema(name = "Conversions")
public record ConversionView(Instant asOf, Double freshnessSeconds, Instant from, Instant to, String zone, String granularity,
        String goal, String touch, int windowDays, Map<String, String> filter, List<String> groupBy, Totals totals,
        Unattributed unattributed, List<Group> groups, List<Point> series) {

    @RegisterForReflection
    @Schema(name = "ConversionTotals")
    public record Totals(@Schema(description = "goal events credited to a matching message") long conversions,
            @Schema(description = "profiles with a credited goal event") long converters, BigDecimal revenue,
            @Schema(description = "profiles sent a matching message in the range") long recipients, Rate conversionRate,
            Rate revenuePerRecipient) {
    }

    @RegisterForReflection
    @Schema(description = "goal events in the range that no message touched within the window")
    public record Unattributed(long conversions, long converters, BigDecimal revenue) {
    }

    @RegisterForReflection
    public record Group(Map<String, String> group, Totals totals) {
    }

    @RegisterForReflection
    public record Point(String period, Instant start, Instant end, Map<String, String> group, long conversions, long converters,
            BigDecimal revenue) {
    }
}
