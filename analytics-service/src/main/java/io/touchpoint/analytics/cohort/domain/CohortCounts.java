package io.touchpoint.analytics.cohort.domain;

/** What the store answers: each cohort's size, and per cohort and period the profiles active in it. */
public record CohortCounts(long[] sizes, long[][] active) {
}
