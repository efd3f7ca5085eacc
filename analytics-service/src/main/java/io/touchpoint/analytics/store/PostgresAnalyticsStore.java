package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.cohort.domain.CohortCounts;
import io.touchpoint.analytics.cohort.domain.CohortQuery;
import io.touchpoint.analytics.conversion.domain.Attribution;
import io.touchpoint.analytics.conversion.domain.AttributionQuery;
import io.touchpoint.analytics.conversion.domain.TrackedEvent;
import io.touchpoint.analytics.experiment.domain.ArmTotals;
import io.touchpoint.analytics.experiment.domain.ExperimentQuery;
import io.touchpoint.analytics.delivery.domain.FunnelQuery;
import io.touchpoint.analytics.delivery.domain.FunnelRow;
import io.touchpoint.analytics.goal.domain.Goal;
import io.touchpoint.analytics.ingest.domain.Fact;
import io.touchpoint.analytics.ingest.domain.Instants;
import io.touchpoint.analytics.journey.domain.Assignment;
import io.touchpoint.analytics.segment.domain.FlowCounts;
import io.touchpoint.analytics.segment.domain.MembershipChange;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/** The PostgreSQL store: facts and rollups in one database, each batch in one transaction with its progress. */
@ApplicationScoped
class PostgresAnalyticsStore implements AnalyticsStore {

    private final Pool pool;
    private final FactTransactions transactions;
    private final ProgressTable progress;
    private final MessageTables messages;
    private final MessageLedger ledger;
    private final JourneyTables journeys;
    private final MembershipTables memberships;
    private final InteractionTables interactions;
    private final MergeTables merges;
    private final FunnelQueries funnels;
    private final SegmentQueries segments;
    private final GoalTable goals;
    private final AttributionQueries attribution;
    private final ExperimentQueries experiments;
    private final CohortQueries cohorts;

    PostgresAnalyticsStore(Pool pool, FactTransactions transactions, ProgressTable progress, MessageTables messages,
            MessageLedger ledger, JourneyTables journeys, MembershipTables memberships, InteractionTables interactions,
            MergeTables merges, FunnelQueries funnels, SegmentQueries segments,
            GoalTable goals, AttributionQueries attribution, ExperimentQueries experiments, CohortQueries cohorts) {
        this.pool = pool;
        this.transactions = transactions;
        this.progress = progress;
        this.messages = messages;
        this.ledger = ledger;
        this.journeys = journeys;
        this.memberships = memberships;
        this.interactions = interactions;
        this.merges = merges;
        this.funnels = funnels;
        this.segments = segments;
        this.goals = goals;
        this.attribution = attribution;
        this.experiments = experiments;
        this.cohorts = cohorts;
    }

    @Override
    public Uni<Void> applyDeliveryEvents(List<Fact<DeliveryEvent>> facts) {
        return transactions.apply(facts, (sql, all) -> prefetch(sql, all, e -> e.requestId(), DeliveryEvent::journeyId,
                DeliveryEvent::profileId, DeliveryEvent::at),
                (sql, fresh, prefetched) -> messages.recordEvents(sql, fresh).chain(recorded -> {
                    List<DeliveryEvent> events = new ArrayList<>();
                    Set<String> seen = new HashSet<>();
                    for (Fact<DeliveryEvent> f : fresh) {
                        if (recorded.contains(f.eventId()) && seen.add(f.eventId())) {
                            events.add(f.value());
                        }
                    }
                    return ledger.change(sql, prefetched, states -> events.forEach(e -> states.get(e.requestId()).apply(e)));
                }));
    }

    @Override
    public Uni<Void> applyMessageRequests(List<Fact<MessageRequested>> facts) {
        return transactions.apply(facts, (sql, all) -> prefetch(sql, all, MessageRequested::requestId, MessageRequested::journeyId,
                MessageRequested::profileId, MessageRequested::requestedAt),
                // A request applied twice changes nothing (its fields fill in once, its instant is a minimum).
                (sql, fresh, prefetched) -> ledger.change(sql, prefetched,
                        states -> fresh.forEach(f -> states.get(f.value().requestId()).apply(f.value()))));
    }

    /**
     * What a batch of message records needs, read with the batch's progress: the journeys it names
     * (remembered), its messages (locked) and the arms of its profiles in those journeys.
     */
    private <T> Uni<MessageLedger.Prefetched> prefetch(SqlClient sql, List<Fact<T>> facts, Function<T, String> requestId,
            Function<T, String> journeyId, Function<T, String> profileId, Function<T, Instant> at) {
        Map<String, Instant> journeyIds = new HashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        Set<JourneyTables.JourneyProfile> pairs = new LinkedHashSet<>();
        for (Fact<T> f : facts) {
            T v = f.value();
            ids.add(requestId.apply(v));
            firstSeen(journeyIds, journeyId.apply(v), at.apply(v));
            if (journeyId.apply(v) != null && !journeyId.apply(v).isEmpty() && profileId.apply(v) != null) {
                pairs.add(new JourneyTables.JourneyProfile(journeyId.apply(v), profileId.apply(v)));
            }
        }
        return Uni.combine().all().unis(journeys.known(sql, journeyIds), ledger.prefetch(sql, ids, pairs)).asTuple()
                .map(both -> both.getItem2());
    }

    @Override
    public Uni<Void> applyJourneyEvents(List<Fact<JourneyEvent>> facts) {
        return transactions.apply(facts, (sql, fresh) -> journeys.record(sql, fresh).chain(recorded -> {
            Map<String, Instant> journeyIds = new HashMap<>();
            List<Assignment> arms = new ArrayList<>();
            for (JourneyEvent e : recorded) {
                firstSeen(journeyIds, e.journeyId(), e.at());
                if (e.kind() == JourneyEvent.Kind.ARM && e.nodeId() != null && e.detail() != null) {
                    arms.add(new Assignment(e.journeyId(), e.nodeId(), e.profileId(), e.detail(), Instants.micros(e.at())));
                }
            }
            if (arms.isEmpty()) {
                return journeys.known(sql, journeyIds);
            }
            Set<List<String>> pairs = new LinkedHashSet<>();
            arms.forEach(a -> pairs.add(List.of(a.journeyId(), a.profileId())));
            // The profiles' messages in these journeys may now belong to an arm (their records came first).
            return journeys.known(sql, journeyIds).chain(() -> journeys.assign(sql, arms))
                    .chain(() -> messages.ofProfiles(sql, pairs.stream().map(p -> p.get(0)).toList(),
                            pairs.stream().map(p -> p.get(1)).toList()))
                    .chain(ids -> ledger.change(sql, ids, states -> {
                    }));
        }));
    }

    @Override
    public Uni<Void> applyMembershipChanges(List<Fact<SegmentMembershipChanged>> facts) {
        return transactions.apply(facts, (sql, fresh) -> memberships.apply(sql, fresh.stream()
                .map(f -> new MembershipChange(f.value().profileId(), f.value().segmentId(), Instants.micros(f.value().at()),
                        f.value().entered()))
                .toList()));
    }

    @Override
    public Uni<Void> applyProfileChanges(List<Fact<ProfileChanged>> facts) {
        return transactions.apply(facts, (sql, fresh) -> {
            List<TrackedEvent> events = new ArrayList<>();
            List<TrackedEvent.Anchors> anchors = new ArrayList<>();
            List<ProfileChanged> merging = new ArrayList<>();
            for (Fact<ProfileChanged> f : fresh) {
                TrackedEvent.from(f.value()).ifPresent(events::add);
                TrackedEvent.Anchors.from(f.value()).ifPresent(anchors::add);
                if (f.value().mergesOthers()) {
                    merging.add(f.value());
                }
            }
            // Merges last: a merged profile's events recorded earlier in the batch move with the rest.
            return Uni.combine().all().unis(interactions.record(sql, events), interactions.anchor(sql, anchors)).discardItems()
                    .chain(() -> Transactions.each(merging, c -> merges.merge(sql, c.profileId(), c.mergedProfileIds())));
        });
    }

    private static void firstSeen(Map<String, Instant> journeyIds, String journeyId, Instant at) {
        if (journeyId != null && !journeyId.isEmpty() && at != null) {
            journeyIds.merge(journeyId, at, (a, b) -> a.isBefore(b) ? a : b);
        }
    }

    @Override
    public Uni<Optional<Instant>> newestEvent(Collection<String> topics) {
        return progress.newest(topics);
    }

    @Override
    public Uni<Set<String>> knownJourneys(Set<String> journeyIds) {
        return known("SELECT journey_id FROM journey WHERE journey_id = ANY($1::text[])", journeyIds);
    }

    @Override
    public Uni<Set<String>> knownSegments(Set<String> segmentIds) {
        return known("SELECT segment_id FROM segment WHERE segment_id = ANY($1::text[])", segmentIds);
    }

    private Uni<Set<String>> known(String sql, Set<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery(sql).execute(Sql.tuple((Object) Sql.texts(ids))).map(rows -> {
            Set<String> found = new HashSet<>();
            rows.forEach(r -> found.add(r.getString(0)));
            return found;
        });
    }

    @Override
    public Uni<List<FunnelRow>> funnel(FunnelQuery query) {
        return funnels.funnel(query);
    }

    @Override
    public Uni<Map<String, long[]>> segmentSizes(List<String> segmentIds, List<Instant> points) {
        return segments.sizes(segmentIds, points);
    }

    @Override
    public Uni<FlowCounts> flows(List<String> segmentIds, Instant from, Instant to) {
        return segments.flows(segmentIds, from, to);
    }

    @Override
    public Uni<Optional<Goal>> goal(String key) {
        return goals.find(key);
    }

    @Override
    public Uni<List<Goal>> goals(String afterKey, int limit) {
        return goals.page(afterKey, limit);
    }

    @Override
    public Uni<Saved<Goal>> putGoal(Goal goal, Instant now) {
        return goals.put(goal, now);
    }

    @Override
    public Uni<Boolean> deleteGoal(String key) {
        return goals.delete(key);
    }

    @Override
    public Uni<Attribution> attribute(AttributionQuery query) {
        return attribution.attribute(query);
    }

    @Override
    public Uni<List<String>> splits(String journeyId) {
        return experiments.splits(journeyId);
    }

    @Override
    public Uni<List<ArmTotals>> experimentArms(ExperimentQuery query) {
        return experiments.arms(query);
    }

    @Override
    public Uni<List<ArmTotals>> campaignGroups(ExperimentQuery query) {
        return experiments.groups(query);
    }

    @Override
    public Uni<CohortCounts> cohorts(CohortQuery query) {
        return cohorts.cohorts(query);
    }
}
