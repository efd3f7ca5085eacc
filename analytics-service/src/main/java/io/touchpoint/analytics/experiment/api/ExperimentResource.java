package io.touchpoint.analytics.experiment.api;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import io.touchpoint.analytics.experiment.domain.CampaignEffect;
import io.touchpoint.analytics.experiment.domain.Experiment;
import io.touchpoint.analytics.experiment.domain.ExperimentQuery;
import io.touchpoint.analytics.experiment.domain.MeanComparison;
import io.touchpoint.analytics.experiment.domain.ProportionComparison;
import io.touchpoint.analytics.report.api.Csv;
import io.touchpoint.analytics.report.api.Freshness;
import io.touchpoint.analytics.report.api.ReportContext;
import io.touchpoint.analytics.report.api.ReportLists;
import io.touchpoint.analytics.report.api.ReportRange;
import io.touchpoint.contracts.Roles;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;

/**
 * A/B/n experiments at a journey's split, and a campaign's effect per group against its holdout.
 * Its methods are registered for reflection so QueryParameterFilter can read their query parameters
 * in a native image too.
 */
@RegisterForReflection(methods = true, fields = false)
@KnownQueryParameters
@Path("/v1/reports")
@RolesAllowed({ Roles.ADMIN, Roles.ANALYST, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class ExperimentResource {

    private static final String EXPERIMENT = "An experiment at a journey's split: per arm and holdout, the profiles assigned in "
            + "[from, to), those converting within windowDays after, the rate, and lift against the control with interval and "
            + "p-value; the omnibus test, the sample-ratio check, and a winner only when the evidence is there";
    private static final String EFFECT = "A campaign's effect per group: the goal's events and revenue per profile of everyone "
            + "it reached against its holdout, in each segment the profiles were in when assigned";

    private final ReportContext context;

    ExperimentResource(ReportContext context) {
        this.context = context;
    }

    record Common(String journeyId, int windowDays, Instant from, Instant to, double confidence) {
    }

    private Common common(String journeyId, String windowDays, String from, String to, String zone, String confidence) {
        ReportRange.required("journeyId", journeyId);
        ZoneId z = ReportRange.zone(zone);
        Instant[] range = ReportRange.range(from, to, z, context.clock().instant());
        return new Common(journeyId, ReportRange.integer("windowDays", windowDays, 7, 1, 365), range[0], range[1],
                ReportRange.decimal("confidence", confidence, 0.95, 0.5, 1));
    }

    @GET
    @Path("experiments")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = EXPERIMENT)
    public Uni<ExperimentViews.ExperimentView> experiment(@QueryParam("journeyId") @Parameter(required = true) String journeyId,
            @QueryParam("nodeId") @Parameter(description = "the split node; needed when the journey has several") String nodeId,
            @QueryParam("goal") @Parameter(description = "a goal's key (/v1/goals)", required = true) String goal,
            @QueryParam("windowDays") @Parameter(description = "days after assignment a conversion counts, 1 to 365, default 7") String windowDays,
            @QueryParam("from") @Parameter(description = "assignments from (ISO date or instant); default 30 days before to") String from,
            @QueryParam("to") String to, @QueryParam("zone") String zone,
            @QueryParam("control") @Parameter(description = "the arm others are compared with; default holdout, else the first arm") String control,
            @QueryParam("confidence") @Parameter(description = "of the intervals and the significance level (1 − α); default 0.95") String confidence,
            @QueryParam("minSample") @Parameter(description = "profiles every arm needs before a winner is named; default 100") String minSample,
            @QueryParam("allocation") @Parameter(description = "the intended split, e.g. A:45,B:45,holdout:10, for the sample-ratio check") String allocation) {
        Common c = common(journeyId, windowDays, from, to, zone, confidence);
        int min = ReportRange.integer("minSample", minSample, 100, 1, 100_000_000);
        Map<String, Double> shares = allocation(allocation);
        return context.requireJourney("journeyId", journeyId)
                .chain(() -> context.requireSplit("nodeId", journeyId, nodeId))
                .chain(node -> context.requireGoal("goal", goal).chain(g -> {
                    ExperimentQuery q = new ExperimentQuery(journeyId, node, g, c.windowDays(), c.from(), c.to(), List.of());
                    return Uni.combine().all().unis(context.store().experimentArms(q),
                            context.freshness(Topic.JOURNEY_EVENTS, Topic.PROFILE_CHANGES)).asTuple().map(both -> {
                                Experiment e = Experiment.of(both.getItem1(),
                                        new Experiment.Settings(control, c.confidence(), min, shares));
                                if (control != null && e.arms().stream().noneMatch(a -> a.arm().equals(control))) {
                                    throw InvalidRequestException.field("control", "no profile was assigned to arm " + control);
                                }
                                Freshness f = both.getItem2();
                                return new ExperimentViews.ExperimentView(f.asOf(), f.freshnessSeconds(), journeyId, node, g.key(),
                                        c.windowDays(), c.from(), c.to(), c.confidence(), min, e.control(), e.arms(), e.omnibus(),
                                        e.sampleRatio(), e.winner());
                            });
                }));
    }

    @GET
    @Path("experiments")
    @Produces(Csv.PRODUCES)
    @Operation(summary = EXPERIMENT + " (CSV: one line per arm)")
    public RestMulti<String> experimentCsv(@QueryParam("journeyId") String journeyId, @QueryParam("nodeId") String nodeId,
            @QueryParam("goal") String goal, @QueryParam("windowDays") String windowDays, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("zone") String zone, @QueryParam("control") String control,
            @QueryParam("confidence") String confidence, @QueryParam("minSample") String minSample,
            @QueryParam("allocation") String allocation) {
        return Csv.stream(experiment(journeyId, nodeId, goal, windowDays, from, to, zone, control, confidence, minSample, allocation)
                .map(v -> {
                    List<String> header = List.of("arm", "control", "profiles", "converters", "rate", "absoluteLift", "absoluteLow",
                            "absoluteHigh", "relativeLift", "relativeLow", "relativeHigh", "z", "pValue", "revenue", "revenuePerProfile",
                            "revenueDifference", "revenueLow", "revenueHigh", "t", "degreesOfFreedom", "revenuePValue", "enoughSample");
                    List<List<Object>> rows = new ArrayList<>();
                    for (Experiment.Arm a : v.arms()) {
                        ProportionComparison p = a.conversionVsControl();
                        MeanComparison m = a.revenueVsControl();
                        rows.add(Arrays.asList(a.arm(), a.control(), a.profiles(), a.converters(), a.rate(),
                                p == null ? null : p.absoluteLift(), p == null ? null : p.absoluteInterval().low(),
                                p == null ? null : p.absoluteInterval().high(), p == null ? null : p.relativeLift(),
                                p == null || p.relativeInterval() == null ? null : p.relativeInterval().low(),
                                p == null || p.relativeInterval() == null ? null : p.relativeInterval().high(), p == null ? null : p.z(),
                                p == null ? null : p.pValue(), a.revenue(), a.revenuePerProfile(), m == null ? null : m.difference(),
                                m == null || m.interval() == null ? null : m.interval().low(),
                                m == null || m.interval() == null ? null : m.interval().high(), m == null ? null : m.t(),
                                m == null ? null : m.degreesOfFreedom(), m == null ? null : m.pValue(), a.enoughSample()));
                    }
                    return new Csv.Table(new Freshness(v.asOf(), v.freshnessSeconds()), header, rows);
                }));
    }

    @GET
    @Path("campaign-effect")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = EFFECT)
    public Uni<ExperimentViews.CampaignEffectView> effect(@QueryParam("journeyId") @Parameter(required = true) String journeyId,
            @QueryParam("nodeId") @Parameter(description = "the split with the holdout; needed when the journey has several") String nodeId,
            @QueryParam("goal") @Parameter(description = "a goal's key: the events counted and their revenue", required = true) String goal,
            @QueryParam("windowDays") @Parameter(description = "days after assignment, 1 to 365, default 30") String windowDays,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("zone") String zone,
            @QueryParam("groups") @Parameter(description = "comma-separated segment ids (e.g. the lifecycle stages); a profile "
                    + "belongs to the first it was in when assigned") String groups,
            @QueryParam("confidence") String confidence) {
        Common c = common(journeyId, windowDays == null ? "30" : windowDays, from, to, zone, confidence);
        List<String> groupIds = groups == null || groups.isBlank() ? List.of() : ReportLists.ids("groups", groups, 1, 100);
        Uni<Void> known = groupIds.isEmpty() ? Uni.createFrom().voidItem() : context.requireSegments("groups", groupIds);
        return context.requireJourney("journeyId", journeyId).chain(() -> known)
                .chain(() -> context.requireSplit("nodeId", journeyId, nodeId))
                .chain(node -> context.requireGoal("goal", goal).chain(g -> {
                    ExperimentQuery q = new ExperimentQuery(journeyId, node, g, c.windowDays(), c.from(), c.to(), groupIds);
                    return Uni.combine().all().unis(context.store().campaignGroups(q),
                            context.freshness(Topic.JOURNEY_EVENTS, Topic.PROFILE_CHANGES, Topic.SEGMENT_MEMBERSHIPS)).asTuple()
                            .map(both -> {
                                CampaignEffect effect = CampaignEffect.of(both.getItem1(), groupIds, c.confidence());
                                boolean holdout = both.getItem1().stream().anyMatch(a -> CampaignEffect.HOLDOUT.equals(a.arm()));
                                Freshness f = both.getItem2();
                                return new ExperimentViews.CampaignEffectView(f.asOf(), f.freshnessSeconds(), journeyId, node, g.key(),
                                        c.windowDays(), c.from(), c.to(), c.confidence(), groupIds, effect.groups(),
                                        holdout ? null : "nobody was held out at this split in the range: there is nothing to compare with");
                            });
                }));
    }

    @GET
    @Path("campaign-effect")
    @Produces(Csv.PRODUCES)
    @Operation(summary = EFFECT + " (CSV: one line per group)")
    public RestMulti<String> effectCsv(@QueryParam("journeyId") String journeyId, @QueryParam("nodeId") String nodeId,
            @QueryParam("goal") String goal, @QueryParam("windowDays") String windowDays, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("zone") String zone, @QueryParam("groups") String groups,
            @QueryParam("confidence") String confidence) {
        return Csv.stream(effect(journeyId, nodeId, goal, windowDays, from, to, zone, groups, confidence).map(v -> {
            List<String> header = List.of("group", "treatedProfiles", "holdoutProfiles", "treatedEventsPerProfile",
                    "holdoutEventsPerProfile", "eventLift", "eventPValue", "treatedRevenuePerProfile", "holdoutRevenuePerProfile",
                    "revenueLift", "revenueLow", "revenueHigh", "revenuePValue", "treatedConverters", "holdoutConverters",
                    "conversionLift", "conversionPValue");
            List<List<Object>> rows = new ArrayList<>();
            for (CampaignEffect.Group g : v.effects()) {
                MeanComparison ev = g.eventLift();
                MeanComparison rv = g.revenueLift();
                ProportionComparison cv = g.conversionLift();
                rows.add(Arrays.asList(g.group(), g.treated().profiles(), g.holdout().profiles(), g.treated().eventsPerProfile(),
                        g.holdout().eventsPerProfile(), ev == null ? null : ev.difference(), ev == null ? null : ev.pValue(),
                        g.treated().revenuePerProfile(), g.holdout().revenuePerProfile(), rv == null ? null : rv.difference(),
                        rv == null || rv.interval() == null ? null : rv.interval().low(),
                        rv == null || rv.interval() == null ? null : rv.interval().high(), rv == null ? null : rv.pValue(),
                        g.treated().converters(), g.holdout().converters(), cv == null ? null : cv.absoluteLift(),
                        cv == null ? null : cv.pValue()));
            }
            return new Csv.Table(new Freshness(v.asOf(), v.freshnessSeconds()), header, rows);
        }));
    }

    /** {@code A:45,B:45,holdout:10}: arm to share (any unit); null when not given. */
    static Map<String, Double> allocation(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int colon = part.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                double share = Double.parseDouble(part.substring(colon + 1).trim());
                if (!(share > 0) || Double.isInfinite(share)) {
                    throw new NumberFormatException();
                }
                out.put(part.substring(0, colon).trim(), share);
            } catch (NumberFormatException e) {
                throw InvalidRequestException.field("allocation", "'" + part + "' is not arm:share with a positive share (A:45,B:45,holdout:10)");
            }
        }
        return out;
    }
}
