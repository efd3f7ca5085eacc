package io.touchpoint.analytics.cohort.api;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestMulti;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.cohort.domain.CohortCounts;
import io.touchpoint.analytics.cohort.domain.CohortQuery;
import io.touchpoint.analytics.report.api.Csv;
import io.touchpoint.analytics.report.api.Freshness;
import io.touchpoint.analytics.report.api.Rate;
import io.touchpoint.analytics.report.api.ReportContext;
import io.touchpoint.analytics.report.api.ReportRange;
import io.touchpoint.analytics.time.domain.Granularity;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.touchpoint.contracts.Roles;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;

// Methods registered so the filter can read their query parameters in a native image too.
@RegisterForReflection(methods = true, fields = false)
@KnownQueryParameters
@Path("/v1/reports/cohorts")
@RolesAllowed({ Roles.ADMIN, Roles.ANALYST, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class CohortResource {

    private static final String SUMMARY = "Retention: profiles by the week or month of their registration or first purchase (in "
            + "the zone), and how many did the activity event in each calendar or rolling period after it";

    @RegisterForReflection
    @Schema(name = "Cohorts")
    public record CohortsView(Instant asOf, Double freshnessSeconds, String zone, String anchor, String cohort, String activity,
            String periods, int count, List<Cohort> cohorts) {
    }

    @RegisterForReflection
    public record Cohort(@Schema(description = "the cohort's first day in the zone") String cohort, Instant start, Instant end,
            long size, List<Retention> retention) {
    }

    @RegisterForReflection
    public record Retention(int period, long active, Rate rate,
            @Schema(description = "the period has ended for every member (calendar: its end; rolling: the last member's)") boolean complete) {
    }

    private final ReportContext context;

    CohortResource(ReportContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = SUMMARY)
    public Uni<CohortsView> json(@QueryParam("activity") @Parameter(description = "the event that counts as active, e.g. Bet Placed", required = true) String activity,
            @QueryParam("anchor") @Parameter(description = "registration (default) or first-purchase") String anchor,
            @QueryParam("cohort") @Parameter(description = "week (default) or month; periods have the same length") String cohort,
            @QueryParam("periods") @Parameter(description = "calendar (default) or rolling") String periods,
            @QueryParam("count") @Parameter(description = "periods per cohort, 1 to 520, default 8") String count,
            @QueryParam("from") @Parameter(description = "anchors from (ISO date or instant); default 30 days before to") String from,
            @QueryParam("to") String to, @QueryParam("zone") String zone) {
        ReportRange.required("activity", activity);
        ZoneId z = ReportRange.zone(zone);
        CohortQuery.Anchor a = anchor == null || anchor.isBlank() ? CohortQuery.Anchor.REGISTRATION
                : CohortQuery.Anchor.parse(anchor).orElseThrow(() -> InvalidRequestException.field("anchor",
                        "'" + anchor + "' is not one of registration, first-purchase"));
        Granularity unit = ReportRange.granularity(cohort, Granularity.WEEK);
        if (unit != Granularity.WEEK && unit != Granularity.MONTH) {
            throw InvalidRequestException.field("cohort", "must be week or month");
        }
        CohortQuery.Periods kind = periods == null || periods.isBlank() ? CohortQuery.Periods.CALENDAR
                : CohortQuery.Periods.parse(periods).orElseThrow(() -> InvalidRequestException.field("periods",
                        "'" + periods + "' is not one of calendar, rolling"));
        int n = ReportRange.integer("count", count, 8, 1, 520);
        Instant now = context.clock().instant();
        Instant[] range = ReportRange.range(from, to, z, now);
        TimeGrid grid;
        try {
            grid = ReportRange.grid(range[0], range[1], z, unit);
        } catch (InvalidRequestException e) {
            throw InvalidRequestException.field("from", e.violations().get(0).message());
        }
        if ((long) grid.periods().size() * n > ReportRange.MAX_POINTS) {
            throw InvalidRequestException.field("count", "the report would hold " + (long) grid.periods().size() * n
                    + " points (cohorts × periods); at most " + ReportRange.MAX_POINTS);
        }
        CohortQuery q = new CohortQuery(a, grid, activity, kind, n);
        return Uni.combine().all().unis(context.store().cohorts(q), context.freshness(Topic.PROFILE_CHANGES)).asTuple()
                .map(both -> view(q, both.getItem1(), both.getItem2(), now));
    }

    private static CohortsView view(CohortQuery q, CohortCounts counts, Freshness f, Instant now) {
        TimeGrid grid = q.cohorts();
        Granularity unit = grid.granularity();
        List<Cohort> cohorts = new ArrayList<>();
        for (TimeGrid.Period p : grid.periods()) {
            List<Retention> retention = new ArrayList<>();
            long size = counts.sizes()[p.index()];
            ZonedDateTime start = p.localStart();
            ZonedDateTime lastAnchor = p.end().atZone(grid.zone());
            for (int k = 0; k < q.periods(); k++) {
                ZonedDateTime begins = plus(start, unit, k, grid.zone());
                if (begins.toInstant().isAfter(now)) {
                    break;
                }
                ZonedDateTime ends = q.kind() == CohortQuery.Periods.CALENDAR ? plus(start, unit, k + 1, grid.zone())
                        : plus(lastAnchor, unit, k + 1, grid.zone());
                long active = counts.active()[p.index()][k];
                retention.add(new Retention(k, active, Rate.of(active, size), !ends.toInstant().isAfter(now)));
            }
            cohorts.add(new Cohort(start.toLocalDate().toString(), p.start(), p.end(), size, retention));
        }
        return new CohortsView(f.asOf(), f.freshnessSeconds(), grid.zone().getId(), q.anchor().text(), unit.text(), q.activityEvent(),
                q.kind().text(), q.periods(), cohorts);
    }

    private static ZonedDateTime plus(ZonedDateTime start, Granularity unit, int k, ZoneId zone) {
        return unit == Granularity.WEEK ? start.toLocalDateTime().plusWeeks(k).atZone(zone)
                : start.toLocalDateTime().plusMonths(k).atZone(zone);
    }

    @GET
    @Produces(Csv.PRODUCES)
    @Operation(summary = SUMMARY + " (CSV: one line per cohort and period)")
    public RestMulti<String> csv(@QueryParam("activity") String activity, @QueryParam("anchor") String anchor,
            @QueryParam("cohort") String cohort, @QueryParam("periods") String periods, @QueryParam("count") String count,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("zone") String zone) {
        return Csv.stream(json(activity, anchor, cohort, periods, count, from, to, zone).map(v -> {
            List<List<Object>> rows = new ArrayList<>();
            for (Cohort c : v.cohorts()) {
                for (Retention r : c.retention()) {
                    rows.add(java.util.Arrays.asList(c.cohort(), c.start(), c.size(), r.period(), r.active(), r.rate().value(),
                            r.complete()));
                }
            }
            return new Csv.Table(new Freshness(v.asOf(), v.freshnessSeconds()),
                    List.of("cohort", "start", "size", "period", "active", "rate", "complete"), rows);
        }));
    }
}
