package io.touchpoint.analytics.store;

import java.util.List;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.delivery.domain.FunnelQuery;
import io.touchpoint.analytics.delivery.domain.FunnelRow;

/** The questions reports ask of the store. */
public interface ReportQueries {

    /** Which of these journeys this service has heard of. */
    Uni<Set<String>> knownJourneys(Set<String> journeyIds);

    /** Which of these segments this service has heard of. */
    Uni<Set<String>> knownSegments(Set<String> segmentIds);

    Uni<List<FunnelRow>> funnel(FunnelQuery query);
}
