package io.touchpoint.analytics.experiment.domain;

/**
 * One arm (or, for campaign effect, one side of one group): its profiles, how many converted (did a
 * goal event in the window), and per profile the number of goal events and their revenue, as moments
 * for Welch's test.
 */
public record ArmTotals(String group, String arm, long profiles, long converters, MeanComparison.Moments events,
        MeanComparison.Moments revenue) {
}
