package io.touchpoint.analytics.conversion.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.conversion.domain.Attribution;
import io.touchpoint.analytics.conversion.domain.AttributionQuery;
import io.touchpoint.analytics.conversion.domain.AttributionRow;
import io.touchpoint.analytics.conversion.domain.Touch;
import io.touchpoint.analytics.delivery.domain.Dimension;
import io.touchpoint.analytics.delivery.domain.MessageFilter;
import io.touchpoint.analytics.report.api.Csv;
import io.touchpoint.analytics.report.api.Freshness;
import io.touchpoint.analytics.report.api.Rate;
import io.touchpoint.analytics.report.api.ReportContext;
import io.touchpoint.analytics.report.api.ReportRange;
import io.touchpoint.analytics.time.domain.Granularity;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.api.InvalidRequestException;

/** Builds a conversion report from request parameters, for JSON and CSV alike. */
@ApplicationScoped
class ConversionReports {

    static final int MAX_WINDOW_DAYS = 365;
    private static final java.util.Comparator<List<String>> GROUP_ORDER = java.util.Comparator.comparing(g -> String.join("\u0000", g));

    private final ReportContext context;

    ConversionReports(ReportContext context) {
        this.context = context;
    }

    record Request(String goal, String touch, String windowDays, String from, String to, String zone, String granularity,
            String journeyId, String nodeId, String templateId, String channel, String arm, String groupBy) {
    }

    Uni<ConversionView> run(Request r) {
        ZoneId zone = ReportRange.zone(r.zone());
        Granularity granularity = ReportRange.granularity(r.granularity(), Granularity.DAY);
        Instant[] range = ReportRange.range(r.from(), r.to(), zone, context.clock().instant());
        TimeGrid grid = ReportRange.grid(range[0], range[1], zone, granularity);
        Touch touch = r.touch() == null || r.touch().isBlank() ? Touch.RECEIVED : Touch.parse(r.touch()).orElseThrow(
                () -> InvalidRequestException.field("touch", "'" + r.touch() + "' is not one of received, opened, clicked"));
        int window = ReportRange.integer("windowDays", r.windowDays(), 7, 1, MAX_WINDOW_DAYS);
        Map<Dimension, String> filter = new EnumMap<>(Dimension.class);
        put(filter, Dimension.JOURNEY, r.journeyId());
        put(filter, Dimension.NODE, r.nodeId());
        put(filter, Dimension.TEMPLATE, r.templateId());
        put(filter, Dimension.CHANNEL, r.channel());
        put(filter, Dimension.ARM, r.arm());
        List<Dimension> groupBy = groupBy(r.groupBy());
        return context.requireJourney("journeyId", r.journeyId()).chain(() -> context.requireGoal("goal", r.goal()))
                .chain(goal -> {
                    AttributionQuery q = new AttributionQuery(grid, goal, touch, window, new MessageFilter(filter), groupBy);
                    return Uni.combine().all().unis(context.store().attribute(q), context.freshness(Topic.DELIVERY_EVENTS,
                            Topic.MESSAGE_REQUESTS, Topic.JOURNEY_EVENTS, Topic.PROFILE_CHANGES)).asTuple()
                            .map(both -> view(q, both.getItem1(), both.getItem2()));
                });
    }

    private static void put(Map<Dimension, String> filter, Dimension d, String value) {
        if (value != null) {
            filter.put(d, value);
        }
    }

    private static List<Dimension> groupBy(String text) {
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

    private static ConversionView view(AttributionQuery q, Attribution a, Freshness freshness) {
        Map<List<String>, AttributionRow> totalsByGroup = new LinkedHashMap<>();
        Map<List<String>, AttributionRow[]> byPeriod = new java.util.HashMap<>();
        AttributionRow overall = null;
        int periods = q.grid().periods().size();
        for (AttributionRow row : a.rows()) {
            if (row.group() == null || (q.groupBy().isEmpty() && row.period() == null)) {
                overall = row;
            } else if (row.period() == null) {
                totalsByGroup.put(row.group(), row);
            } else {
                byPeriod.computeIfAbsent(row.group(), g -> new AttributionRow[periods])[row.period()] = row;
            }
        }
        Set<List<String>> groups = new java.util.TreeSet<>(GROUP_ORDER);
        groups.addAll(byPeriod.keySet());
        if (!q.groupBy().isEmpty()) {
            a.recipients().keySet().stream().filter(java.util.Objects::nonNull).forEach(groups::add);
        } else {
            groups.add(List.of());
        }
        List<ConversionView.Group> groupViews = new ArrayList<>();
        List<ConversionView.Point> series = new ArrayList<>();
        for (List<String> g : groups) {
            Map<String, String> named = named(q, g);
            if (!q.groupBy().isEmpty()) {
                groupViews.add(new ConversionView.Group(named, totals(totalsByGroup.get(g), a.recipients().getOrDefault(g, 0L))));
            }
            AttributionRow[] rows = byPeriod.getOrDefault(g, new AttributionRow[periods]);
            for (TimeGrid.Period p : q.grid().periods()) {
                AttributionRow row = rows[p.index()];
                series.add(new ConversionView.Point(p.localStart().toOffsetDateTime().toString(), p.start(), p.end(), named,
                        row == null ? 0 : row.conversions(), row == null ? 0 : row.converters(),
                        row == null ? BigDecimal.ZERO : row.revenue()));
            }
        }
        Long allRecipients = a.recipients().get(null);
        if (allRecipients == null) {
            allRecipients = a.recipients().getOrDefault(List.of(), 0L);
        }
        Map<String, String> filter = new LinkedHashMap<>();
        q.filter().values().forEach((d, v) -> filter.put(d.field(), v));
        return new ConversionView(freshness.asOf(), freshness.freshnessSeconds(), q.grid().from(), q.grid().to(),
                q.grid().zone().getId(), q.grid().granularity().text(), q.goal().key(), q.touch().text(), q.windowDays(), filter,
                q.groupBy().stream().map(Dimension::groupName).toList(), totals(overall, allRecipients),
                new ConversionView.Unattributed(a.unattributedConversions(), a.unattributedConverters(), a.unattributedRevenue()),
                groupViews, series);
    }

    private static ConversionView.Totals totals(AttributionRow row, long recipients) {
        long conversions = row == null ? 0 : row.conversions();
        long converters = row == null ? 0 : row.converters();
        BigDecimal revenue = row == null ? BigDecimal.ZERO : row.revenue();
        return new ConversionView.Totals(conversions, converters, revenue, recipients, Rate.of(converters, recipients),
                Rate.of(revenue, recipients));
    }

    private static Map<String, String> named(AttributionQuery q, List<String> group) {
        Map<String, String> named = new LinkedHashMap<>();
        for (int i = 0; i < q.groupBy().size(); i++) {
            named.put(q.groupBy().get(i).field(), group.get(i));
        }
        return named;
    }

    /** The series, one line per period and group: the same numbers as the JSON's. */
    static Csv.Table table(ConversionView v) {
        List<String> header = new ArrayList<>(List.of("period", "start", "end"));
        header.addAll(v.groupBy().stream().map(g -> Dimension.byGroupName(g).orElseThrow().field()).toList());
        header.addAll(List.of("conversions", "converters", "revenue"));
        List<List<Object>> rows = new ArrayList<>();
        for (ConversionView.Point p : v.series()) {
            List<Object> row = new ArrayList<>(List.of(p.period(), p.start(), p.end()));
            row.addAll(p.group().values());
            row.addAll(List.of(p.conversions(), p.converters(), p.revenue().toPlainString()));
            rows.add(row);
        }
        return new Csv.Table(new Freshness(v.asOf(), v.freshnessSeconds()), header, rows);
    }
}
