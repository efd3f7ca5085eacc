package io.touchpoint.analytics.experiment.domain;

import java.time.Instant;
import java.util.List;

import io.touchpoint.analytics.goal.domain.Goal;

/**
 * The profiles a split assigned in {@code [from, to)} (each at its first assignment there), and what
 * each did within {@code windowDays} after it: the goal's events and their revenue. {@code groups}
 * (campaign effect only): segments a profile is put under by its membership at the assignment, the
 * first of them that holds.
 */
public record ExperimentQuery(String journeyId, String nodeId, Goal goal, int windowDays, Instant from, Instant to,
        List<String> groups) {
}
