package io.touchpoint.analytics.delivery.api;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.delivery.domain.Dimension;
import io.touchpoint.analytics.delivery.domain.Funnel;
import io.touchpoint.analytics.delivery.domain.FunnelCounts;
import io.touchpoint.analytics.delivery.domain.FunnelQuery;
import io.touchpoint.analytics.delivery.domain.MessageFilter;
import io.touchpoint.analytics.delivery.domain.Metric;
import io.touchpoint.analytics.report.api.Csv;
import io.touchpoint.analytics.report.api.Freshness;
import io.touchpoint.analytics.report.api.ReportContext;
import io.touchpoint.analytics.report.api.ReportRange;
import io.touchpoint.analytics.time.domain.Granularity;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.api.InvalidRequestException;

/** Builds a funnel from request parameters, for the JSON and the CSV answer alike. */
@ApplicationScoped
class FunnelReports {

    private final ReportContext context;

    FunnelReports(ReportContext context) {
        this.context = context;
    }

    record Request(String from, String to, String zone, String granularity, String journeyId, String nodeId, String templateId,
            String channel, String arm, String groupBy) {
    }

    record Result(FunnelQuery query, Funnel funnel, Freshness freshness) {
    }

    Uni<Result> run(Request r) {
        ZoneId zone = ReportRange.zone(r.zone());
        Granularity granularity = ReportRange.granularity(r.granularity(), Granularity.DAY);
        Instant[] range = ReportRange.range(r.from(), r.to(), zone, context.clock().instant());
        TimeGrid grid = ReportRange.grid(range[0], range[1], zone, granularity);
        Map<Dimension, String> filter = new EnumMap<>(Dimension.class);
        put(filter, Dimension.JOURNEY, r.journeyId());
        put(filter, Dimension.NODE, r.nodeId());
        put(filter, Dimension.TEMPLATE, r.templateId());
        put(filter, Dimension.CHANNEL, r.channel());
        put(filter, Dimension.ARM, r.arm());
        FunnelQuery query = new FunnelQuery(grid, new MessageFilter(filter), groupBy(r.groupBy()));
        return context.requireJourney("journeyId", r.journeyId())
                .chain(() -> Uni.combine().all().unis(context.store().funnel(query),
                        context.freshness(Topic.DELIVERY_EVENTS, Topic.MESSAGE_REQUESTS, Topic.JOURNEY_EVENTS)).asTuple())
                .map(both -> {
                    Funnel funnel = Funnel.of(grid.periods().size(), both.getItem1(), !query.groupBy().isEmpty());
                    long points = (long) grid.periods().size() * Math.max(1, funnel.groups().size());
                    if (points > ReportRange.MAX_POINTS) {
                        throw InvalidRequestException.field("groupBy", "the report would hold " + points
                                + " points (periods × groups); at most " + ReportRange.MAX_POINTS);
                    }
                    return new Result(query, funnel, both.getItem2());
                });
    }

    private static void put(Map<Dimension, String> filter, Dimension d, String value) {
        if (value != null) {
            filter.put(d, value);
        }
    }

    static List<Dimension> groupBy(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        LinkedHashSet<Dimension> out = new LinkedHashSet<>();
        for (String name : text.split(",")) {
            out.add(Dimension.byGroupName(name.trim()).orElseThrow(() -> InvalidRequestException.field("groupBy",
                    "'" + name.trim() + "' is not one of journey, node, template, channel, arm")));
        }
        return List.copyOf(out);
    }

    static FunnelView view(Result r) {
        FunnelQuery q = r.query();
        Map<String, String> filter = new LinkedHashMap<>();
        q.filter().values().forEach((d, v) -> filter.put(d.field(), v));
        List<FunnelView.Group> groups = new ArrayList<>();
        List<FunnelView.Point> series = new ArrayList<>();
        r.funnel().groups().forEach((key, counts) -> {
            Map<String, String> group = group(q, key);
            groups.add(new FunnelView.Group(group, FunnelView.Counts.of(counts)));
            FunnelCounts[] perPeriod = r.funnel().series().get(key);
            for (TimeGrid.Period p : q.grid().periods()) {
                series.add(new FunnelView.Point(p.localStart().toOffsetDateTime().toString(), p.start(), p.end(), group,
                        FunnelView.Counts.of(perPeriod[p.index()])));
            }
        });
        return new FunnelView(r.freshness().asOf(), r.freshness().freshnessSeconds(), q.grid().from(), q.grid().to(),
                q.grid().zone().getId(), q.grid().granularity().text(), filter, q.groupBy().stream().map(Dimension::groupName).toList(),
                FunnelView.Counts.of(r.funnel().totals()), groups, series);
    }

    private static Map<String, String> group(FunnelQuery q, List<String> key) {
        Map<String, String> group = new LinkedHashMap<>();
        for (int i = 0; i < q.groupBy().size(); i++) {
            group.put(q.groupBy().get(i).field(), key.get(i));
        }
        return group;
    }

    /** One line per period and group, the same numbers as the JSON's series. */
    static Csv.Table table(Result r) {
        FunnelQuery q = r.query();
        List<String> reasons = r.funnel().reasons();
        List<String> header = new ArrayList<>(List.of("period", "start", "end"));
        q.groupBy().forEach(d -> header.add(d.field()));
        header.add("requested");
        for (Metric m : Metric.all()) {
            header.add(m.field());
            header.add(m.field() + "Total");
        }
        reasons.forEach(reason -> header.add("suppressed:" + reason));
        FunnelCounts.RATES.forEach(rate -> header.add(rate.name()));
        List<List<Object>> rows = new ArrayList<>();
        r.funnel().series().forEach((key, perPeriod) -> {
            for (TimeGrid.Period p : q.grid().periods()) {
                FunnelCounts c = perPeriod[p.index()];
                List<Object> row = new ArrayList<>(List.of(p.localStart().toOffsetDateTime().toString(), p.start(), p.end()));
                row.addAll(key);
                row.add(c.requested());
                for (Metric m : Metric.all()) {
                    row.add(c.unique(m));
                    row.add(c.total(m));
                }
                reasons.forEach(reason -> row.add(c.suppressedByReason().getOrDefault(reason, 0L)));
                FunnelCounts.RATES.forEach(rate -> {
                    long den = c.unique(rate.denominator());
                    row.add(den == 0 ? null : (double) c.unique(rate.numerator()) / den);
                });
                rows.add(row);
            }
        });
        return new Csv.Table(r.freshness(), header, rows);
    }
}
