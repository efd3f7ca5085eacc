package io.touchpoint.analytics.experiment.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's effect per group: in each group (the segment a profile was in when the journey's
 * split assigned it), everyone the campaign reached (every arm but the holdout) against the holdout,
 * on the goal's events per profile and revenue per profile (Welch), and the share who converted
 * (two-proportion z-test).
 */
public record CampaignEffect(List<Group> groups) {

    public static final String HOLDOUT = "holdout";

    public record Side(long profiles, long converters, double eventsPerProfile, double revenuePerProfile) {
    }

    public record Group(String group, Side treated, Side holdout, MeanComparison eventLift, MeanComparison revenueLift,
            ProportionComparison conversionLift) {
    }

    public static CampaignEffect of(List<ArmTotals> rows, List<String> groupOrder, double confidence) {
        Map<String, ArmTotals[]> byGroup = new LinkedHashMap<>();
        for (String g : groupOrder) {
            byGroup.put(g, new ArmTotals[2]);
        }
        byGroup.put(null, new ArmTotals[2]);
        for (ArmTotals r : rows) {
            ArmTotals[] sides = byGroup.computeIfAbsent(r.group(), g -> new ArmTotals[2]);
            int side = HOLDOUT.equals(r.arm()) ? 1 : 0;
            sides[side] = sides[side] == null ? r : combine(sides[side], r);
        }
        List<Group> groups = new ArrayList<>();
        byGroup.forEach((group, sides) -> {
            ArmTotals treated = sides[0] == null ? empty(group) : sides[0];
            ArmTotals holdout = sides[1] == null ? empty(group) : sides[1];
            if (group == null && treated.profiles() == 0 && holdout.profiles() == 0) {
                return;
            }
            boolean both = treated.profiles() > 0 && holdout.profiles() > 0;
            groups.add(new Group(group, side(treated), side(holdout),
                    both ? MeanComparison.of(treated.events(), holdout.events(), confidence) : null,
                    both ? MeanComparison.of(treated.revenue(), holdout.revenue(), confidence) : null,
                    both ? ProportionComparison.of(treated.converters(), treated.profiles(), holdout.converters(), holdout.profiles(),
                            confidence) : null));
        });
        return new CampaignEffect(groups);
    }

    private static Side side(ArmTotals t) {
        return new Side(t.profiles(), t.converters(), t.events().mean(), t.revenue().mean());
    }

    private static ArmTotals empty(String group) {
        return new ArmTotals(group, null, 0, 0, new MeanComparison.Moments(0, 0, 0), new MeanComparison.Moments(0, 0, 0));
    }

    private static ArmTotals combine(ArmTotals a, ArmTotals b) {
        return new ArmTotals(a.group(), a.arm() + "+" + b.arm(), a.profiles() + b.profiles(), a.converters() + b.converters(),
                new MeanComparison.Moments(a.events().count() + b.events().count(), a.events().sum() + b.events().sum(),
                        a.events().sumOfSquares() + b.events().sumOfSquares()),
                new MeanComparison.Moments(a.revenue().count() + b.revenue().count(), a.revenue().sum() + b.revenue().sum(),
                        a.revenue().sumOfSquares() + b.revenue().sumOfSquares()));
    }
}
