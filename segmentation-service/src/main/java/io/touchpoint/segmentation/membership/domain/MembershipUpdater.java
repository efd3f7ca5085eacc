package io.touchpoint.segmentation.membership.domain;

import static io.touchpoint.platform.store.Transactions.each;

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
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.segmentation.membership.store.DueStore;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.MembershipStore;
import io.touchpoint.segmentation.membership.store.SegmentSizes;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.erasure.ProfileTransactions;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.outbox.OutboxStore;
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
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Keeps memberships true to the rules. A profile change is applied in one transaction (a poll of them
 * in one, see {@link #applyAll}): snapshot, interaction, merges, evaluation and the outbox events of
 * every transition commit together, and a transition is an insert or delete that only one
 * transaction can win, so each one is announced exactly once however often the change is delivered.
 */
@ApplicationScoped
public class MembershipUpdater {

    private static final Logger LOG = Logger.getLogger(MembershipUpdater.class);

    @Inject
    Pool pool;
    @Inject
    SegmentStore segments;
    @Inject
    ProfileSnapshotStore profiles;
    @Inject
    MembershipStore memberships;
    @Inject
    OutboxStore outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    ErasedIdentities erased;
    @Inject
    MembershipCache cache;
    @Inject
    DueStore due;
    @Inject
    SegmentSizes sizes;
    @Inject
    BulkPass bulk;
    @Inject
    java.time.Clock clock;
    @Inject
    ProfileTransactions transactions;

    /** The interaction's event name for event conditions, or null when it is not an event (identify, group, ...). */
    static String eventName(ProfileChanged.Trigger t) {
        if (t == null || t.type() == null) {
            return null;
        }
        return switch (t.type()) {
            case "track" -> t.event();
            case "page" -> "Page Viewed";
            case "screen" -> "Screen Viewed";
            default -> null;
        };
    }

    /**
     * A poll of changes in one transaction, one commit for all (platform
     * {@link ProfileTransactions#eachUnlessErased}: one profile's changes in order, different profiles'
     * side by side, their statements pipelined). Applied one change per transaction, one at a time,
     * segmentation fell behind a burst of new profiles at about 120 changes a second. The batch first
     * locks the snapshots it will write in id order, as a bulk pass does, so the two never wait on each
     * other in a cycle, and reads the segment definitions once. A poll holding a merge is applied one
     * change per transaction, since a merge writes other profiles than its own.
     */
    public Uni<Void> applyAll(List<ProfileChanged> changes) {
        if (changes.size() == 1 || changes.stream().anyMatch(ProfileChanged::mergesOthers)) {
            return Multi.createFrom().iterable(changes).onItem().transformToUniAndConcatenate(this::apply).collect().asList()
                    .replaceWithVoid();
        }
        List<String> ids = changes.stream().map(ProfileChanged::profileId).distinct().sorted().toList();
        AtomicReference<Attempt> attempt = new AtomicReference<>();
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return transactions.eachUnlessErased(changes, ProfileChanged::profileId, ProfileChanged::occurredAt, new Transitions(),
                    (sql, change) -> {
                        // A retried batch runs on a new transaction: its locks and reads are taken again.
                        Attempt current = attempt.updateAndGet(a -> a != null && a.sql() == sql ? a
                                : new Attempt(sql, profiles.loadForUpdate(sql, ids).chain(() -> segments.all(sql)).memoize()
                                        .indefinitely()));
                        Transitions touched = new Transitions();
                        return profiles.isMergedAway(sql, change.profileId()).chain(away -> {
                            if (away) {
                                LOG.debugf("profile %s was merged away; its late change %d is ignored", change.profileId(),
                                        change.version());
                                return Uni.createFrom().voidItem();
                            }
                            return applyLive(sql, change, List.of(), snapshotOf(change), now, touched, current.definitions());
                        }).replaceWith(touched);
                    });
        }).chain(each -> {
            Transitions touched = new Transitions();
            each.forEach(touched::addAll);
            return afterCommit(touched);
        });
    }

    /** One try of a batch: its transaction and what it read once for all its changes. */
    private record Attempt(SqlClient sql, Uni<List<Segment>> definitions) {
    }

    private static Snapshot snapshotOf(ProfileChanged change) {
        return new Snapshot(change.profileId(), change.version(), nonNull(change.traits()), nonNull(change.computed()),
                change.consents() == null ? List.of() : change.consents());
    }

    public Uni<Void> apply(ProfileChanged change) {
        Transitions touched = new Transitions();
        return Uni.createFrom().deferred(() -> {
            touched.clear();
            Instant now = clock.instant();
            return pool.withTransaction(sql -> applyIn(sql, change, now, touched));
        })
                .onFailure(Transactions::retryable).retry().atMost(5)
                .call(() -> afterCommit(touched));
    }

    private Uni<Void> applyIn(SqlClient sql, ProfileChanged change, Instant now, Transitions touched) {
        String id = change.profileId();
        List<String> merged = change.mergedIds().stream().filter(m -> !m.equals(id)).distinct().toList();
        var snapshot = snapshotOf(change);
        List<String> about = new ArrayList<>(merged);
        about.add(id);
        return Uni.combine().all().unis(profiles.isMergedAway(sql, id),
                erased.erasedAt(sql, ErasedIdentities.profiles(about))).asTuple().chain(both -> {
            if (ErasedIdentities.stale(both.getItem2(), ErasedIdentities.profiles(about), change.occurredAt())) {
                // In flight when the person was erased, or replayed since: storing it would bring them back.
                LOG.debugf("profile %s was erased; its change %d is dropped", id, change.version());
                return Uni.createFrom().voidItem();
            }
            if (both.getItem1()) {
                LOG.debugf("profile %s was merged away; its late change %d is ignored", id, change.version());
                return Uni.createFrom().voidItem();
            }
            return applyLive(sql, change, merged, snapshot, now, touched, segments.all(sql));
        });
    }

    private Uni<Void> applyLive(SqlClient sql, ProfileChanged change, List<String> merged, Snapshot snapshot, Instant now,
            Transitions touched, Uni<List<Segment>> definitions) {
        String id = change.profileId();
        return definitions.chain(all -> {
            Map<String, Segment> byId = new HashMap<>();
            all.forEach(s -> byId.put(s.id(), s));
            Uni<Void> merges = merged.isEmpty() ? Uni.createFrom().voidItem()
                    : each(merged, m -> exitAll(sql, m, byId, now, touched))
                            .chain(() -> profiles.moveEvents(sql, merged, id))
                            .chain(() -> profiles.delete(sql, merged))
                            .chain(() -> profiles.markMerged(sql, merged, id, now));
            return merges
                    .chain(() -> profiles.saveIfNewer(sql, snapshot, now))
                    .chain(stored -> recordTrigger(sql, change).map(recorded -> stored || recorded || !merged.isEmpty()))
                    .chain(changed -> {
                        if (!changed) {
                            LOG.debugf("profile %s version %d is stale or repeated", id, change.version());
                            return Uni.createFrom().voidItem();
                        }
                        List<Segment> ordered = SegmentGraph.dependencyOrder(all.stream().filter(Segment::active).toList());
                        return evaluate(sql, id, ordered, now, touched).replaceWithVoid();
                    });
        });
    }

    private Uni<Boolean> recordTrigger(SqlClient sql, ProfileChanged change) {
        ProfileChanged.Trigger t = change.trigger();
        String event = eventName(t);
        if (event == null || t.sourceId() == null || t.messageId() == null) {
            return Uni.createFrom().item(false);
        }
        Instant at = t.timestamp() != null ? t.timestamp() : change.occurredAt();
        return profiles.recordEvent(sql, change.profileId(), t.sourceId(), t.messageId(), event, at, t.properties());
    }

    /**
     * Re-evaluates the given active segments, in dependency order, for one profile and records every
     * transition. Segments not given keep their memberships (they are read, not decided).
     *
     * @return the number of transitions
     */
    Uni<Integer> evaluate(SqlClient sql, String profileId, List<Segment> ordered, Instant now, Transitions touched) {
        if (ordered.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return facts(sql, profileId, now).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            var facts = found.get();
            Set<String> inside = facts.memberships();
            AtomicInteger transitions = new AtomicInteger();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Segment segment : ordered) {
                chain = chain.chain(() -> {
                    // Later segments in the order read the memberships decided just before them.
                    boolean matches = ConditionEvaluator.matches(segment.parsed(), facts, now);
                    boolean was = inside.contains(segment.id());
                    if (matches == was) {
                        return Uni.createFrom().voidItem();
                    }
                    if (matches) {
                        inside.add(segment.id());
                    } else {
                        inside.remove(segment.id());
                        facts.lastLeft().put(segment.id(), now);
                    }
                    return transition(sql, segment, profileId, matches, now, touched)
                            .invoke(made -> {
                                if (made) {
                                    transitions.incrementAndGet();
                                }
                            }).replaceWithVoid();
                });
            }
            return chain.chain(() -> setTimers(sql, profileId, ordered, facts, now)).map(v -> transitions.get());
        });
    }

    /**
     * Sets, in the evaluation's transaction, when each time-dependent answer must be looked at again,
     * so a window edge flips the membership at that instant instead of at the next profile change.
     */
    private Uni<Void> setTimers(SqlClient sql, String profileId, List<Segment> evaluated, ConditionEvaluator.Facts facts,
            Instant now) {
        List<String> timed = new ArrayList<>();
        Map<String, Instant> next = new HashMap<>();
        for (Segment segment : evaluated) {
            if (!Condition.timeDependent(segment.parsed())) {
                continue;
            }
            timed.add(segment.id());
            Instant at = ConditionEvaluator.nextChange(segment.parsed(), facts, now);
            if (at != null) {
                next.put(segment.id(), at);
            }
        }
        return timed.isEmpty() ? Uni.createFrom().voidItem() : due.replace(sql, profileId, timed, next);
    }

    /**
     * The flip timer's work for one profile whose timer is due: every active segment is evaluated
     * (a flip cascades to the segments reading it) in one transaction, through the same transitions
     * and outbox as the stream. The snapshot lock orders it with the stream and other replicas, and
     * the atomic transitions make a second replica's run a no-op.
     *
     * @return the number of transitions
     */
    public Uni<Integer> flipDue(String profileId) {
        Transitions touched = new Transitions();
        AtomicInteger transitions = new AtomicInteger();
        return Uni.createFrom().deferred(() -> {
            touched.clear();
            transitions.set(0);
            Instant now = clock.instant();
            return pool.withTransaction(sql -> profiles.loadForUpdate(sql, List.of(profileId)).chain(found -> {
                if (found.isEmpty()) {
                    return due.clearAll(sql, profileId);
                }
                return due.clearDue(sql, profileId, now).chain(() -> segments.all(sql)).chain(all -> {
                    List<Segment> ordered = SegmentGraph.dependencyOrder(all.stream().filter(Segment::active).toList());
                    return evaluate(sql, profileId, ordered, now, touched).invoke(transitions::set).replaceWithVoid();
                });
            }));
        })
                .onFailure(Transactions::retryable).retry().atMost(5)
                .call(() -> afterCommit(touched))
                .map(v -> transitions.get());
    }

    /** After an evaluation failed: its timers wait {@code pause} before the next try. */
    public Uni<Void> postponeDue(String profileId, java.time.Duration pause) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> due.postpone(sql, profileId, now, now.plus(pause)));
    }

    /** Profiles whose timers are due now. */
    public Uni<List<String>> dueProfiles(int limit) {
        Instant now = clock.instant();
        return pool.withConnection(sql -> due.dueProfiles(sql, now, limit));
    }

    /**
     * Everything the evaluator needs about one profile, with a mutable membership set so a pass can
     * update it as it goes; empty when the profile is unknown here.
     */
    public Uni<java.util.Optional<ConditionEvaluator.Facts>> facts(SqlClient sql, String profileId, Instant now) {
        return profiles.find(sql, profileId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(java.util.Optional.<ConditionEvaluator.Facts>empty());
            }
            Snapshot s = found.get();
            Instant since = now.minus(Duration.ofDays(ConditionParser.MAX_WINDOW_DAYS + 1));
            return profiles.events(sql, profileId, since).chain(events -> memberships.ofProfile(sql, profileId)
                    .chain(current -> memberships.lastExits(sql, profileId)
                            .map(left -> java.util.Optional.of(new ConditionEvaluator.Facts(profileId, s.traits(), s.computed(),
                                    s.consents(),
                                    events.stream()
                                            .map(e -> new ConditionEvaluator.LoggedEvent(e.event(), e.occurredAt(), e.properties()))
                                            .toList(),
                                    new LinkedHashSet<>(current.keySet()), new HashMap<>(left))))));
        });
    }

    /** Records one transition and its event; false when another transaction made it first. */
    Uni<Boolean> transition(SqlClient sql, Segment segment, String profileId, boolean enter, Instant now,
            Transitions touched) {
        Uni<Boolean> made = enter ? memberships.enter(sql, segment.id(), profileId, segment.version(), now)
                : memberships.exit(sql, segment.id(), profileId, now);
        return made.call(m -> {
            if (!m) {
                return Uni.createFrom().voidItem();
            }
            touched.record(segment.id(), profileId, enter);
            var event = new SegmentMembershipChanged(profileId, segment.id(), segment.version(), enter, now);
            return outbox.append(sql, UUID.randomUUID().toString(), Topic.SEGMENT_MEMBERSHIPS, profileId,
                    EventTypes.SEGMENT_MEMBERSHIP_CHANGED, event, now);
        });
    }

    /** Takes a profile out of every segment (it was merged away). */
    private Uni<Void> exitAll(SqlClient sql, String profileId, Map<String, Segment> byId, Instant now, Transitions touched) {
        return memberships.ofProfile(sql, profileId).chain(current -> each(new ArrayList<>(current.keySet()), segmentId -> {
            Segment segment = byId.get(segmentId);
            long version = segment == null ? 0 : segment.version();
            Segment stub = segment != null ? segment
                    : new Segment(segmentId, null, null, List.of(), Segment.State.ARCHIVED, null, null, Set.of(), version, null, null);
            return transition(sql, stub, profileId, false, now, touched);
        }));
    }

    /**
     * Takes every member out of a segment (archived or deleted), inside the caller's transaction.
     * Dependents read the membership, so they are re-evaluated by the caller's bulk pass afterwards.
     */
    public Uni<Transitions> emptySegment(SqlClient sql, Segment segment, Instant now) {
        Transitions touched = new Transitions();
        return drainMembers(sql, segment, now, touched).replaceWith(touched);
    }

    private Uni<Void> drainMembers(SqlClient sql, Segment segment, Instant now, Transitions touched) {
        return memberships.memberIds(sql, segment.id(), 1000).chain(ids -> ids.isEmpty() ? Uni.createFrom().voidItem()
                : each(ids, p -> transition(sql, segment, p, false, now, touched))
                        .chain(() -> drainMembers(sql, segment, now, touched)));
    }

    /**
     * A bulk pass: evaluates the given segments and everything that reads them over every known
     * profile, a page of profiles per transaction (see {@link BulkPass}).
     */
    public Uni<Integer> recompute(Set<String> segmentIds) {
        return bulk.run(segmentIds);
    }

    public Uni<List<String>> profileIds(SqlClient sql, String after, int limit) {
        return profiles.idPage(sql, after, limit);
    }

    /** After commit: announce, and drop cached memberships that no longer hold. */
    public Uni<Void> afterCommit(Transitions touched) {
        if (touched.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        relay.kick();
        // Sizes first: the longer an addition trails its commit, the likelier a refresh counts it twice.
        return sizes.add(touched.sizeDeltas()).call(() -> cache.invalidate(Set.copyOf(touched.profiles())));
    }

    private static Map<String, Object> nonNull(Map<String, Object> m) {
        return m == null ? Map.of() : m;
    }
}
