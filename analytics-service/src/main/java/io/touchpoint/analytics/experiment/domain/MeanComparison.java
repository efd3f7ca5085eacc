package io.touchpoint.analytics.experiment.domain;

/**
 * An arm's mean (revenue or events per profile) against the control's: Welch's t-test (unequal
 * variances, Welch–Satterthwaite degrees of freedom, two-sided), the difference with its t interval,
 * and the relative difference (the interval divided by the control's mean, which it takes as known).
 * Null where the data leave a value undefined (fewer than two members, no variance at all, a zero
 * control mean).
 */
public record MeanComparison(double armMean, double controlMean, double difference, Interval interval,
        Double relativeDifference, Interval relativeInterval, Double t, Double degreesOfFreedom, Double pValue) {

    public record Interval(double low, double high) {
    }

    public static MeanComparison of(Moments arm, Moments control, double confidence) {
        double diff = arm.mean() - control.mean();
        Double relative = control.mean() == 0 ? null : diff / control.mean();
        if (arm.count() < 2 || control.count() < 2) {
            return new MeanComparison(arm.mean(), control.mean(), diff, null, relative, null, null, null, null);
        }
        double a = arm.variance() / arm.count();
        double c = control.variance() / control.count();
        double se = Math.sqrt(a + c);
        if (se == 0) {
            return new MeanComparison(arm.mean(), control.mean(), diff, new Interval(diff, diff), relative,
                    relative == null ? null : new Interval(relative, relative), null, null, null);
        }
        double t = diff / se;
        double df = (a + c) * (a + c) / (a * a / (arm.count() - 1) + c * c / (control.count() - 1));
        double p = Distributions.studentTwoSided(t, df);
        double critical = Distributions.studentQuantile(1 - (1 - confidence) / 2, df);
        Interval interval = new Interval(diff - critical * se, diff + critical * se);
        Interval relativeInterval = relative == null ? null
                : new Interval(interval.low() / control.mean(), interval.high() / control.mean());
        if (relativeInterval != null && relativeInterval.low() > relativeInterval.high()) {
            relativeInterval = new Interval(relativeInterval.high(), relativeInterval.low());
        }
        return new MeanComparison(arm.mean(), control.mean(), diff, interval, relative, relativeInterval, t, df, p);
    }

    /**
     * Count, sum and sum of squares of a sample: what the database aggregates, from which the mean
     * and the sample variance (n − 1) follow.
     */
    public record Moments(long count, double sum, double sumOfSquares) {

        public double mean() {
            return count == 0 ? 0 : sum / count;
        }

        /** Sample variance; the centred form loses nothing for the magnitudes revenue has. */
        public double variance() {
            if (count < 2) {
                return 0;
            }
            double mean = mean();
            return Math.max(0, (sumOfSquares - count * mean * mean) / (count - 1));
        }
    }
}
