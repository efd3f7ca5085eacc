package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.goal.domain.Goal;
import io.touchpoint.analytics.ingest.domain.Fact;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

/**
 * Where analytics keeps its facts and rollups: the one storage port of the service. Consumers hand
 * it batches of records, each applied in one transaction together with the consumer's progress;
 * reports ask it questions in domain terms. {@link PostgresAnalyticsStore} is the implementation;
 * the scale-out path (partitioned tables, then a columnar engine fed from the same topics) replaces
 * what is behind this interface, not its callers.
 */
public interface AnalyticsStore extends ReportQueries {

    Uni<Void> applyDeliveryEvents(List<Fact<DeliveryEvent>> facts);

    Uni<Void> applyMessageRequests(List<Fact<MessageRequested>> facts);

    Uni<Void> applyJourneyEvents(List<Fact<JourneyEvent>> facts);

    Uni<Void> applyMembershipChanges(List<Fact<SegmentMembershipChanged>> facts);

    Uni<Void> applyProfileChanges(List<Fact<ProfileChanged>> facts);

    /** The newest event time applied from any of these topics (a report's {@code asOf}). */
    Uni<Optional<Instant>> newestEvent(Collection<String> topics);

    enum Outcome {
        CREATED, UPDATED, UNCHANGED
    }

    record Saved<T>(T item, Outcome outcome) {
    }

    Uni<Optional<Goal>> goal(String key);

    /** Goals in key order after {@code afterKey} ("" for the first page). */
    Uni<List<Goal>> goals(String afterKey, int limit);

    Uni<Saved<Goal>> putGoal(Goal goal, Instant now);

    Uni<Boolean> deleteGoal(String key);
}
