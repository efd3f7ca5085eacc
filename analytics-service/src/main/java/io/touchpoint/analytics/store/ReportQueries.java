package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.cohort.domain.CohortCounts;
import io.touchpoint.analytics.cohort.domain.CohortQuery;
import io.touchpoint.analytics.conversion.domain.Attribution;
import io.touchpoint.analytics.conversion.domain.AttributionQuery;
import io.touchpoint.analytics.delivery.domain.FunnelQuery;
import io.touchpoint.analytics.experiment.domain.ArmTotals;
import io.touchpoint.analytics.experiment.domain.ExperimentQuery;
import io.touchpoint.analytics.delivery.domain.FunnelRow;
import io.touchpoint.analytics.segment.domain.FlowCounts;

/** The questions reports ask of the store. */
public interface ReportQueries {

    /** Which of these journeys this service has heard of. */
    Uni<Set<String>> knownJourneys(Set<String> journeyIds);

    /** Which of these segments this service has heard of. */
    Uni<Set<String>> knownSegments(Set<String> segmentIds);

    Uni<List<FunnelRow>> funnel(FunnelQuery query);

    /** Each segment's exact size at each of the (ascending) instants: the transitions before it. */
    Uni<Map<String, long[]>> segmentSizes(List<String> segmentIds, List<Instant> points);

    /** Moves, entries and exits among the segments over {@code [from, to)}, with their sizes at both ends. */
    Uni<FlowCounts> flows(List<String> segmentIds, Instant from, Instant to);

    Uni<Attribution> attribute(AttributionQuery query);

    /** The split nodes of a journey that assigned anybody. */
    Uni<List<String>> splits(String journeyId);

    Uni<List<ArmTotals>> experimentArms(ExperimentQuery query);

    /** Per group (segment at assignment, null: none of them) and arm. */
    Uni<List<ArmTotals>> campaignGroups(ExperimentQuery query);

    Uni<CohortCounts> cohorts(CohortQuery query);
}
