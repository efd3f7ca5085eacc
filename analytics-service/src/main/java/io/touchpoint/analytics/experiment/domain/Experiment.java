package io.touchpoint.analytics.experiment.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's verdict from its arms' totals, pure: each arm's conversion rate and revenue per
 * profile against the control (two-proportion z-test, Welch's t-test), the omnibus test across all
 * arms (the z-test's two-sided p for two, Pearson's chi-square for more), the sample-ratio check
 * against the intended allocation when one is given, and a winner only when every arm has the
 * minimum sample, the allocation holds, the omnibus test is significant and the best arm beats the
 * runner-up on its own.
 */
public record Experiment(String control, List<Arm> arms, Omnibus omnibus, SampleRatio sampleRatio, Winner winner) {

    /** Sample ratio p-values below this mean the assignment itself is broken (a common threshold). */
    public static final double SRM_THRESHOLD = 0.001;

    public record Arm(String arm, long profiles, long converters, double rate, double revenue, double revenuePerProfile,
            boolean control, boolean enoughSample, ProportionComparison conversionVsControl, MeanComparison revenueVsControl) {
    }

    public record Omnibus(String test, double statistic, int degreesOfFreedom, double pValue) {
    }

    public record SampleRatio(boolean checked, Map<String, Double> allocation, Double statistic, Double pValue, boolean mismatch,
            String note) {
    }

    public record Winner(String arm, String reason) {
    }

    public record Settings(String control, double confidence, long minSample, Map<String, Double> allocation) {
    }

    public static Experiment of(List<ArmTotals> totals, Settings settings) {
        if (totals.isEmpty()) {
            return new Experiment(null, List.of(), null, new SampleRatio(false, settings.allocation(), null, null, false,
                    "nobody was assigned in the range"), new Winner(null, "nobody was assigned in the range"));
        }
        List<ArmTotals> sorted = totals.stream().sorted(Comparator.comparing(ArmTotals::arm)).toList();
        String control = settings.control() != null ? settings.control()
                : sorted.stream().anyMatch(a -> a.arm().equals("holdout")) ? "holdout" : sorted.get(0).arm();
        ArmTotals controlTotals = sorted.stream().filter(a -> a.arm().equals(control)).findFirst().orElse(null);
        double alpha = 1 - settings.confidence();
        List<Arm> arms = new ArrayList<>();
        for (ArmTotals a : sorted) {
            boolean isControl = a.arm().equals(control);
            ProportionComparison conversion = isControl || controlTotals == null || a.profiles() == 0 || controlTotals.profiles() == 0
                    ? null : ProportionComparison.of(a.converters(), a.profiles(), controlTotals.converters(), controlTotals.profiles(),
                            settings.confidence());
            MeanComparison revenue = isControl || controlTotals == null ? null
                    : MeanComparison.of(a.revenue(), controlTotals.revenue(), settings.confidence());
            arms.add(new Arm(a.arm(), a.profiles(), a.converters(), rate(a), a.revenue().sum(), a.revenue().mean(), isControl,
                    a.profiles() >= settings.minSample(), conversion, revenue));
        }
        Omnibus omnibus = omnibus(sorted);
        SampleRatio srm = sampleRatio(sorted, settings.allocation());
        return new Experiment(control, arms, omnibus, srm, winner(sorted, arms, omnibus, srm, settings, alpha));
    }

    private static double rate(ArmTotals a) {
        return a.profiles() == 0 ? 0 : (double) a.converters() / a.profiles();
    }

    private static Omnibus omnibus(List<ArmTotals> arms) {
        if (arms.size() < 2 || arms.stream().mapToLong(ArmTotals::converters).sum() == 0
                || arms.stream().allMatch(a -> a.converters() == a.profiles())) {
            return null;
        }
        ChiSquare.Result chi = ChiSquare.homogeneity(arms.stream().map(ArmTotals::converters).toList(),
                arms.stream().map(ArmTotals::profiles).toList());
        return new Omnibus(arms.size() == 2 ? "two-proportion z-test" : "chi-square", chi.statistic(), chi.degreesOfFreedom(),
                chi.pValue());
    }

    private static SampleRatio sampleRatio(List<ArmTotals> arms, Map<String, Double> allocation) {
        if (allocation == null || allocation.isEmpty()) {
            return new SampleRatio(false, null, null, null, false, "no allocation given: pass allocation=A:45,B:45,holdout:10 to check it");
        }
        List<String> outside = arms.stream().map(ArmTotals::arm).filter(a -> !allocation.containsKey(a)).toList();
        if (!outside.isEmpty()) {
            return new SampleRatio(true, allocation, null, null, true, "arms outside the allocation: " + String.join(", ", outside));
        }
        Map<String, Long> observed = new LinkedHashMap<>();
        allocation.keySet().forEach(a -> observed.put(a, 0L));
        arms.forEach(a -> observed.put(a.arm(), a.profiles()));
        if (observed.size() < 2) {
            return new SampleRatio(false, allocation, null, null, false, "the allocation names one arm");
        }
        ChiSquare.Result chi = ChiSquare.goodnessOfFit(List.copyOf(observed.values()),
                observed.keySet().stream().map(allocation::get).toList());
        boolean mismatch = chi.pValue() < SRM_THRESHOLD;
        return new SampleRatio(true, allocation, chi.statistic(), chi.pValue(), mismatch,
                mismatch ? "the arms' sizes do not match the allocation (p < " + SRM_THRESHOLD + "): the assignment is suspect"
                        : "the arms' sizes match the allocation");
    }

    private static Winner winner(List<ArmTotals> totals, List<Arm> arms, Omnibus omnibus, SampleRatio srm, Settings settings,
            double alpha) {
        if (arms.size() < 2) {
            return new Winner(null, "one arm only");
        }
        List<String> small = arms.stream().filter(a -> !a.enoughSample()).map(Arm::arm).toList();
        if (!small.isEmpty()) {
            return new Winner(null, "below the minimum sample of " + settings.minSample() + " profiles: " + String.join(", ", small));
        }
        if (srm.mismatch()) {
            return new Winner(null, "sample ratio mismatch");
        }
        if (omnibus == null || omnibus.pValue() >= alpha) {
            return new Winner(null, "no significant difference between the arms (p ≥ " + alpha + ")");
        }
        List<ArmTotals> byRate = totals.stream().sorted(Comparator.comparingDouble(Experiment::rate).reversed()).toList();
        ArmTotals best = byRate.get(0);
        ArmTotals runnerUp = byRate.get(1);
        ProportionComparison head = ProportionComparison.of(best.converters(), best.profiles(), runnerUp.converters(),
                runnerUp.profiles(), settings.confidence());
        if (head.pValue() == null || head.pValue() >= alpha) {
            return new Winner(null, best.arm() + " leads, but not significantly ahead of " + runnerUp.arm() + " (p = " + head.pValue() + ")");
        }
        return new Winner(best.arm(), best.arm() + " converts best, significantly ahead of " + runnerUp.arm() + " (p = " + head.pValue() + ")");
    }
}
