package io.touchpoint.analytics.experiment.domain;

import java.util.List;

/**
 * Pearson's chi-square tests the experiment report needs: homogeneity of conversion across more
 * than two arms (a k × 2 table, no continuity correction), and goodness of fit of the arms' sizes to
 * their intended allocation (the sample-ratio-mismatch check).
 */
public final class ChiSquare {

    public record Result(double statistic, int degreesOfFreedom, double pValue) {
    }

    private ChiSquare() {
    }

    /** @param conversions and {@code sizes}: one entry per arm, in the same order */
    public static Result homogeneity(List<Long> conversions, List<Long> sizes) {
        if (conversions.size() != sizes.size() || sizes.size() < 2) {
            throw new IllegalArgumentException("needs two or more arms, each with conversions and size");
        }
        long total = 0;
        long converted = 0;
        for (int i = 0; i < sizes.size(); i++) {
            total += sizes.get(i);
            converted += conversions.get(i);
        }
        double statistic = 0;
        for (int i = 0; i < sizes.size(); i++) {
            double expectedYes = (double) sizes.get(i) * converted / total;
            double expectedNo = (double) sizes.get(i) * (total - converted) / total;
            statistic += term(conversions.get(i), expectedYes) + term(sizes.get(i) - conversions.get(i), expectedNo);
        }
        int df = sizes.size() - 1;
        return new Result(statistic, df, Distributions.chiSquareSurvival(statistic, df));
    }

    /** @param shares the intended allocation, in any unit (percentages), one per arm */
    public static Result goodnessOfFit(List<Long> observed, List<Double> shares) {
        if (observed.size() != shares.size() || observed.size() < 2) {
            throw new IllegalArgumentException("needs two or more arms, each with a count and a share");
        }
        double total = observed.stream().mapToLong(Long::longValue).sum();
        double shareTotal = shares.stream().mapToDouble(Double::doubleValue).sum();
        double statistic = 0;
        for (int i = 0; i < observed.size(); i++) {
            statistic += term(observed.get(i), total * shares.get(i) / shareTotal);
        }
        int df = observed.size() - 1;
        return new Result(statistic, df, Distributions.chiSquareSurvival(statistic, df));
    }

    private static double term(double observed, double expected) {
        return expected == 0 ? 0 : (observed - expected) * (observed - expected) / expected;
    }
}
