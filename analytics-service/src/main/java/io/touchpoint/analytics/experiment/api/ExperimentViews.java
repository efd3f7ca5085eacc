package io.touchpoint.analytics.experiment.api;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.analytics.experiment.domain.CampaignEffect;
import io.touchpoint.analytics.experiment.domain.ChiSquare;
import io.touchpoint.analytics.experiment.domain.Experiment;
import io.touchpoint.analytics.experiment.domain.MeanComparison;
import io.touchpoint.analytics.experiment.domain.ProportionComparison;

/** The JSON of the experiment and campaign-effect reports; the statistics are the domain's records as they are. */
@RegisterForReflection(targets = { Experiment.Arm.class, Experiment.Omnibus.class, Experiment.SampleRatio.class,
        Experiment.Winner.class, ProportionComparison.class, ProportionComparison.Interval.class, MeanComparison.class,
        MeanComparison.Interval.class, CampaignEffect.Group.class, CampaignEffect.Side.class, ChiSquare.Result.class })
final class ExperimentViews {

    private ExperimentViews() {
    }

    @RegisterForReflection
    @Schema(name = "Experiment", description = "Each arm against the control: conversion (two-proportion z-test, Wald interval "
            + "for the absolute lift, log risk-ratio interval for the relative lift) and revenue per profile (Welch's t-test); "
            + "the omnibus test over all arms (chi-square for more than two); the sample-ratio check; a winner only with "
            + "enough sample, no mismatch, a significant omnibus test and the best arm significantly ahead of the runner-up")
    public record ExperimentView(Instant asOf, Double freshnessSeconds, String journeyId, String nodeId, String goal, int windowDays,
            Instant from, Instant to, double confidence, long minSample, String control, List<Experiment.Arm> arms,
            Experiment.Omnibus omnibus, Experiment.SampleRatio sampleRatio, Experiment.Winner winner) {
    }

    @RegisterForReflection
    @Schema(name = "CampaignEffect", description = "Per group (the segment each profile was in when assigned; null: none of "
            + "them), everyone the campaign reached against its holdout: goal events and revenue per profile (Welch's t-test) "
            + "and the share who converted (two-proportion z-test)")
    public record CampaignEffectView(Instant asOf, Double freshnessSeconds, String journeyId, String nodeId, String goal,
            int windowDays, Instant from, Instant to, double confidence, List<String> groups, List<CampaignEffect.Group> effects,
            String note) {
    }
}
