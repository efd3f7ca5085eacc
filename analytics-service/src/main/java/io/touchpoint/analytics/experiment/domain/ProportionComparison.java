package io.touchpoint.analytics.experiment.domain;

/**
 * An arm's conversion rate against the control's: the two-proportion z-test (pooled standard error,
 * two-sided), the absolute lift with a Wald interval (unpooled standard error), and the relative lift
 * with the log risk-ratio (Katz) interval. A value that is undefined for the counts (no conversions
 * in the control for a relative lift, an empty arm) is null rather than a made-up number.
 */
public record ProportionComparison(double armRate, double controlRate, double absoluteLift, Interval absoluteInterval,
        Double relativeLift, Interval relativeInterval, Double z, Double pValue) {

    public record Interval(double low, double high) {
    }

    /** @param confidence e.g. 0.95 */
    public static ProportionComparison of(long armConversions, long armSize, long controlConversions, long controlSize,
            double confidence) {
        if (armSize <= 0 || controlSize <= 0) {
            throw new IllegalArgumentException("both groups need members");
        }
        double p1 = (double) armConversions / armSize;
        double p0 = (double) controlConversions / controlSize;
        double diff = p1 - p0;
        double zCritical = Distributions.normalQuantile(1 - (1 - confidence) / 2);
        double unpooled = Math.sqrt(p1 * (1 - p1) / armSize + p0 * (1 - p0) / controlSize);
        Interval absolute = new Interval(diff - zCritical * unpooled, diff + zCritical * unpooled);
        double pooledRate = (double) (armConversions + controlConversions) / (armSize + controlSize);
        double pooled = Math.sqrt(pooledRate * (1 - pooledRate) * (1.0 / armSize + 1.0 / controlSize));
        Double z = pooled == 0 ? null : diff / pooled;
        Double p = z == null ? null : Distributions.normalTwoSided(z);
        Double relative = controlConversions == 0 ? null : p1 / p0 - 1;
        Interval relativeInterval = null;
        if (armConversions > 0 && controlConversions > 0) {
            double logRatio = Math.log(p1 / p0);
            double se = Math.sqrt(1.0 / armConversions - 1.0 / armSize + 1.0 / controlConversions - 1.0 / controlSize);
            relativeInterval = new Interval(Math.exp(logRatio - zCritical * se) - 1, Math.exp(logRatio + zCritical * se) - 1);
        }
        return new ProportionComparison(p1, p0, diff, absolute, relative, relativeInterval, z, p);
    }
}
