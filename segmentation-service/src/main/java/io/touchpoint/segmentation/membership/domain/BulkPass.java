package io.touchpoint.segmentation.membership.domain;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.segmentation.membership.store.ComputationStore;
import io.touchpoint.segmentation.membership.store.DueStore;
import io.touchpoint.platform.store.Json;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.segmentation.profile.store.ProfileSnapshotStore;
import io.touchpoint.segmentation.profile.store.ProfileSnapshotStore.Snapshot;
import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.segmentation.segment.domain.Segment;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.segmentation.segment.domain.SegmentGraph;
import io.touchpoint.segmentation.segment.store.SegmentStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A bulk pass over every known profile, a page per transaction. Evaluation stays in Java (the same
 * {@link ConditionEvaluator} the stream uses, so the two cannot disagree on a rule's meaning); what
 * makes it fast is the I/O: a page's snapshots, interactions and memberships are read in three
 * queries, and its transitions written in two statements that insert or delete the membership rows,
 * the history and the outbox events set-based. Only rows a statement actually inserted or deleted
 * get history and an event, so a transition the stream made concurrently is not announced twice.
 * Each pass is a {@link ComputationStore} row whose cursor and counts move in each page's own
 * transaction: progress is exact, and a pass cut short resumes after its last committed page.
 */
@ApplicationScoped
public class BulkPass {

    private static final Logger LOG = Logger.getLogger(BulkPass.class);

    @Inject
    Pool pool;
    @Inject
    SegmentStore segments;
    @Inject
    ProfileSnapshotStore profiles;
    @Inject
    MembershipUpdater updater;
    @Inject
    DueStore due;
    @Inject
    Json json;
    @Inject
    ComputationStore computations;
    @Inject
    Clock clock;

    @ConfigProperty(name = "touchpoint.segments.bulk-page-size", defaultValue = "1000")
    int pageSize;

    private record Change(Segment segment, String profileId, boolean enter) {
    }

    /** Retries of a pass that fails, each after a lease lapses, before it is marked failed. */
    static final int MAX_ATTEMPTS = 5;

    /** Raised inside a page's transaction when the pass is no longer this process's to run. */
    static final class NotOwned extends RuntimeException {
        NotOwned(String computationId) {
            super("computation " + computationId + " was superseded or taken over", null, false, false);
        }
    }

    /**
     * Opens a pass over the given segments and everything that reads them in its own transaction,
     * then runs it; returns the transitions made.
     */
    public Uni<Integer> run(Set<String> segmentIds) {
        return pool.withTransaction(sql -> computations.open(sql, segmentIds, clock.instant()))
                .chain(id -> run(id, segmentIds, null));
    }

    /**
     * Runs the pass {@code computationId}, which this process owns, from the profile after
     * {@code after} (null: from the first). Returns the transitions made; a pass superseded or
     * taken over meanwhile stops at its next page.
     */
    public Uni<Integer> run(String computationId, Set<String> segmentIds, String after) {
        long started = System.nanoTime();
        AtomicInteger profilesSeen = new AtomicInteger();
        AtomicInteger transitions = new AtomicInteger();
        return pool.withConnection(sql -> computations.countProfiles(sql, computationId))
                .chain(() -> page(computationId, segmentIds, after, transitions, profilesSeen))
                .call(() -> pool.withConnection(sql -> computations.complete(sql, computationId, clock.instant())))
                .map(v -> transitions.get())
                .invoke(n -> LOG.debugf("bulk pass %s for %s: %d profiles, %d transitions in %d ms", computationId, segmentIds,
                        profilesSeen.get(), n, (System.nanoTime() - started) / 1_000_000))
                .onFailure(NotOwned.class).recoverWithItem(e -> {
                    LOG.infof("bulk pass %s stopped after %d profiles: %s", computationId, profilesSeen.get(), e.getMessage());
                    return transitions.get();
                })
                .onFailure().call(e -> pool.withConnection(sql -> computations.failed(sql, computationId,
                        String.valueOf(e.getMessage()), MAX_ATTEMPTS, clock.instant())).onFailure().recoverWithNull());
    }

    private Uni<Void> page(String computationId, Set<String> segmentIds, String after, AtomicInteger transitions,
            AtomicInteger seen) {
        Transitions touched = new Transitions();
        AtomicInteger made = new AtomicInteger();
        return Uni.createFrom().deferred(() -> {
            touched.clear();
            made.set(0);
            Instant now = clock.instant();
            return pool.withTransaction(sql -> computations.hold(sql, computationId).chain(held -> {
                if (!held) {
                    throw new NotOwned(computationId);
                }
                return segments.all(sql);
            }).chain(all -> {
                Map<String, Set<String>> deps = new HashMap<>();
                all.forEach(s -> deps.put(s.id(), s.dependsOn()));
                Set<String> targets = new SegmentGraph(deps).withDependents(segmentIds);
                List<Segment> ordered = SegmentGraph.dependencyOrder(
                        all.stream().filter(s -> s.active() && targets.contains(s.id())).toList());
                if (ordered.isEmpty()) {
                    return Uni.createFrom().item(List.<String>of());
                }
                return profiles.idPage(sql, after, pageSize).chain(ids -> ids.isEmpty() ? Uni.createFrom().item(ids)
                        : evaluatePage(sql, ids, ordered, now, touched, made)
                                .chain(() -> computations.advance(sql, computationId, ids.size(), made.get(),
                                        ids.get(ids.size() - 1), now))
                                .replaceWith(ids));
            }));
        })
                .onFailure(Transactions::retryable).retry().atMost(5)
                .call(() -> updater.afterCommit(touched))
                .chain(ids -> {
                    seen.addAndGet(ids.size());
                    transitions.addAndGet(made.get());
                    return ids.size() < pageSize ? Uni.createFrom().voidItem()
                            : page(computationId, segmentIds, ids.get(ids.size() - 1), transitions, seen);
                });
    }

    private Uni<Void> evaluatePage(SqlClient sql, List<String> ids, List<Segment> ordered, Instant now, Transitions touched,
            AtomicInteger made) {
        String[] idArray = ids.toArray(String[]::new);
        boolean needsEvents = ordered.stream().anyMatch(s -> readsEvents(s.parsed()));
        return profiles.loadForUpdate(sql, ids)
                .chain(snapshots -> (needsEvents ? events(sql, idArray, now) : Uni.createFrom().item(Map.<String, List<ConditionEvaluator.LoggedEvent>>of()))
                        .chain(events -> memberships(sql, idArray).chain(current -> {
                            List<Change> changes = new ArrayList<>();
                            // Timers as the stream sets them, so a bulk-computed membership also flips on time.
                            List<String> timed = ordered.stream().filter(seg -> Condition.timeDependent(seg.parsed()))
                                    .map(Segment::id).toList();
                            List<String> dueProfiles = new ArrayList<>();
                            List<String> dueSegments = new ArrayList<>();
                            List<Instant> dueAt = new ArrayList<>();
                            for (Snapshot s : snapshots) {
                                Set<String> inside = new LinkedHashSet<>(current.getOrDefault(s.profileId(), Set.of()));
                                var facts = new ConditionEvaluator.Facts(s.profileId(), s.traits(), s.computed(), s.consents(),
                                        events.getOrDefault(s.profileId(), List.of()), inside);
                                for (Segment segment : ordered) {
                                    // Later segments in the order read the memberships decided just before them.
                                    boolean matches = ConditionEvaluator.matches(segment.parsed(), facts, now);
                                    if (matches != inside.contains(segment.id())) {
                                        if (matches) {
                                            inside.add(segment.id());
                                        } else {
                                            inside.remove(segment.id());
                                        }
                                        changes.add(new Change(segment, s.profileId(), matches));
                                    }
                                    if (Condition.timeDependent(segment.parsed())) {
                                        Instant at = ConditionEvaluator.nextChange(segment.parsed(), facts, now);
                                        if (at != null) {
                                            dueProfiles.add(s.profileId());
                                            dueSegments.add(segment.id());
                                            dueAt.add(at);
                                        }
                                    }
                                }
                            }
                            Uni<Void> timers = timed.isEmpty() ? Uni.createFrom().voidItem()
                                    : due.replacePage(sql, idArray, timed, dueProfiles, dueSegments, dueAt);
                            return timers.chain(() -> write(sql, changes.stream().filter(Change::enter).toList(), true, now, touched, made)
                                    .chain(() -> write(sql, changes.stream().filter(c -> !c.enter()).toList(), false, now,
                                            touched, made)));
                        })));
    }

    private Uni<Map<String, List<ConditionEvaluator.LoggedEvent>>> events(SqlClient sql, String[] ids, Instant now) {
        Instant since = now.minus(Duration.ofDays(ConditionParser.MAX_WINDOW_DAYS + 1));
        return sql.preparedQuery("""
                SELECT profile_id, event, occurred_at, properties::text FROM profile_event
                WHERE profile_id = ANY($1) AND occurred_at >= $2""")
                .execute(Tuple.of(ids, ts(since))).map(rows -> {
                    Map<String, List<ConditionEvaluator.LoggedEvent>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new ConditionEvaluator.LoggedEvent(
                                r.getString(1), instant(r.getOffsetDateTime(2)), json.map(r.getString(3))));
                    }
                    return out;
                });
    }

    private Uni<Map<String, Set<String>>> memberships(SqlClient sql, String[] ids) {
        return sql.preparedQuery("SELECT profile_id, segment_id FROM membership WHERE profile_id = ANY($1)")
                .execute(Tuple.of((Object) ids)).map(rows -> {
                    Map<String, Set<String>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new LinkedHashSet<>()).add(r.getString(1));
                    }
                    return out;
                });
    }

    private static final String ENTER = """
            WITH wanted AS (
              SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS x(s, p, v, eid, payload)),
            entered AS (
              INSERT INTO membership (segment_id, profile_id, segment_version, entered_at)
              SELECT s, p, v, $6 FROM wanted
              ON CONFLICT (segment_id, profile_id) DO NOTHING
              RETURNING segment_id, profile_id),
            history AS (
              INSERT INTO membership_history (segment_id, profile_id, entered_at) SELECT segment_id, profile_id, $6 FROM entered)
            INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at)
            SELECT w.eid, $7, w.p, $8, w.payload::jsonb, $6 FROM entered e JOIN wanted w ON w.s = e.segment_id AND w.p = e.profile_id
            RETURNING payload->>'segmentId', record_key""";

    private static final String EXIT = """
            WITH wanted AS (
              SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS x(s, p, v, eid, payload)),
            exited AS (
              DELETE FROM membership m USING wanted w WHERE m.segment_id = w.s AND m.profile_id = w.p
              RETURNING m.segment_id, m.profile_id),
            history AS (
              UPDATE membership_history h SET exited_at = $6 FROM exited e
              WHERE h.segment_id = e.segment_id AND h.profile_id = e.profile_id AND h.exited_at IS NULL)
            INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at)
            SELECT w.eid, $7, w.p, $8, w.payload::jsonb, $6 FROM exited e JOIN wanted w ON w.s = e.segment_id AND w.p = e.profile_id
            RETURNING payload->>'segmentId', record_key""";

    private Uni<Void> write(SqlClient sql, List<Change> changes, boolean enter, Instant now, Transitions touched,
            AtomicInteger made) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = changes.size();
        String[] segmentIds = new String[n];
        String[] profileIds = new String[n];
        Long[] versions = new Long[n];
        String[] eventIds = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Change c = changes.get(i);
            segmentIds[i] = c.segment().id();
            profileIds[i] = c.profileId();
            versions[i] = c.segment().version();
            eventIds[i] = UUID.randomUUID().toString();
            payloads[i] = json.write(new SegmentMembershipChanged(c.profileId(), c.segment().id(), c.segment().version(), enter, now));
        }
        return sql.preparedQuery(enter ? ENTER : EXIT)
                .execute(Tuple.from(new Object[] { segmentIds, profileIds, versions, eventIds, payloads, ts(now),
                        Topic.SEGMENT_MEMBERSHIPS.topicName(), EventTypes.SEGMENT_MEMBERSHIP_CHANGED }))
                .invoke((RowSet<Row> rows) -> {
                    for (Row r : rows) {
                        touched.record(r.getString(0), r.getString(1), enter);
                        made.incrementAndGet();
                    }
                })
                .replaceWithVoid();
    }

    /** Whether evaluating the condition needs the profile's interactions at all. */
    static boolean readsEvents(Condition c) {
        if (c instanceof Condition.All a) {
            return a.conditions().stream().anyMatch(BulkPass::readsEvents);
        }
        if (c instanceof Condition.Any a) {
            return a.conditions().stream().anyMatch(BulkPass::readsEvents);
        }
        if (c instanceof Condition.Not n) {
            return readsEvents(n.condition());
        }
        return c instanceof Condition.Event;
    }
}
