package io.touchpoint.analytics.report.api;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.goal.domain.Goal;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.Topic;
import io.touchpoint.platform.api.InvalidRequestException;

/** What every report resource needs besides its own query: the clock, freshness, and checks of the ids it names. */
@ApplicationScoped
public class ReportContext {

    private final AnalyticsStore store;
    private final Clock clock;

    ReportContext(AnalyticsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public AnalyticsStore store() {
        return store;
    }

    public Uni<Freshness> freshness(Topic... topics) {
        return store.newestEvent(java.util.Arrays.stream(topics).map(Topic::topicName).toList())
                .map(newest -> Freshness.of(newest, clock.instant()));
    }

    /** A 400 naming {@code field} unless this service has heard of the journey. */
    public Uni<Void> requireJourney(String field, String journeyId) {
        if (journeyId == null) {
            return Uni.createFrom().voidItem();
        }
        return store.knownJourneys(Set.of(journeyId)).invoke(known -> {
            if (known.isEmpty()) {
                throw InvalidRequestException.field(field, "no journey " + journeyId + " has sent a message or an event here");
            }
        }).replaceWithVoid();
    }

    /** The goal, or a 400 naming {@code field}. */
    public Uni<Goal> requireGoal(String field, String key) {
        ReportRange.required(field, key);
        return store.goal(key).map(found -> found.orElseThrow(() -> InvalidRequestException.field(field,
                "no goal " + key + " is defined (PUT /v1/goals/" + key + ")")));
    }

    /**
     * The split node to report on: the one given, or the journey's only split; a 400 naming
     * {@code field} when the journey has several (or none).
     */
    public Uni<String> requireSplit(String field, String journeyId, String nodeId) {
        return store.splits(journeyId).map(splits -> {
            if (nodeId != null) {
                if (!splits.contains(nodeId)) {
                    throw InvalidRequestException.field(field, "node " + nodeId + " of journey " + journeyId
                            + " assigned nobody to an arm; its splits: " + splits);
                }
                return nodeId;
            }
            if (splits.size() != 1) {
                throw InvalidRequestException.field(field, splits.isEmpty() ? "journey " + journeyId + " has assigned nobody to an arm"
                        : "journey " + journeyId + " has several splits; name one of " + splits);
            }
            return splits.get(0);
        });
    }

    /** A 400 naming {@code field} and the unknown ones unless this service has heard of every segment. */
    public Uni<Void> requireSegments(String field, List<String> segmentIds) {
        return store.knownSegments(Set.copyOf(segmentIds)).invoke(known -> {
            List<String> unknown = segmentIds.stream().filter(id -> !known.contains(id)).toList();
            if (!unknown.isEmpty()) {
                throw InvalidRequestException.field(field, "no membership of " + String.join(", ", unknown) + " was recorded here");
            }
        }).replaceWithVoid();
    }
}
