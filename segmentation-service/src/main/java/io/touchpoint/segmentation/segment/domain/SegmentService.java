package io.touchpoint.segmentation.segment.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.Problem;
import io.touchpoint.segmentation.membership.domain.BulkPass;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;
import io.touchpoint.segmentation.membership.domain.Transitions;
import io.touchpoint.segmentation.membership.store.ComputationStore;
import io.touchpoint.platform.api.ConflictException;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.segmentation.segment.store.SegmentStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Saving segment definitions. Every save checks the whole dependency graph under one lock, empties
 * a segment that stops being active, and after commit starts a bulk pass so membership catches up
 * with the new definition.
 */
@ApplicationScoped
public class SegmentService {

    private static final Logger LOG = Logger.getLogger(SegmentService.class);

    /** A definition as the API receives it; checked by {@link #validate}. */
    public record Definition(String name, String description, List<String> tags, String state, Object condition) {
    }

    @Inject
    Pool pool;
    @Inject
    SegmentStore segments;
    @Inject
    MembershipUpdater updater;
    @Inject
    BulkPass bulk;
    @Inject
    ComputationStore computations;
    @Inject
    Clock clock;
    @Inject
    ObjectMapper mapper;

    /** A definition with the id it must have: presets are found again by id when installed twice. */
    public record Fixed(String id, Definition definition) {
    }

    /**
     * Creates or replaces segments with given ids in one transaction, in the order given (a segment
     * may read the ones before it). A segment whose stored definition is already the same is left
     * alone, so installing twice changes nothing and emits nothing. Changed segments are computed
     * over all profiles after commit.
     */
    public Uni<List<Segment>> install(List<Fixed> fixed) {
        Set<String> changed = new LinkedHashSet<>();
        String[] computation = new String[1];
        return Uni.createFrom().deferred(() -> {
            changed.clear();
            computation[0] = null;
            return pool.withTransaction(sql -> segments.lockDefinitions(sql).chain(() -> segments.all(sql)).chain(all -> {
                List<Segment> working = new ArrayList<>(all);
                Instant now = clock.instant();
                List<Segment> out = new ArrayList<>();
                Uni<Void> writes = Uni.createFrom().voidItem();
                for (Fixed f : fixed) {
                    Segment old = working.stream().filter(s -> s.id().equals(f.id())).findFirst().orElse(null);
                    if (old != null && sameDefinition(old, f.definition())) {
                        out.add(old);
                        continue;
                    }
                    Segment s = checked(f.id(), f.definition(), working, old == null ? 1 : old.version() + 1,
                            old == null ? now : old.createdAt(), now);
                    working.removeIf(w -> w.id().equals(f.id()));
                    working.add(s);
                    out.add(s);
                    changed.add(s.id());
                    writes = writes.chain(() -> old == null ? segments.insert(sql, s) : segments.update(sql, s));
                }
                return writes.chain(() -> changed.isEmpty() ? Uni.createFrom().voidItem()
                        : computations.open(sql, changed, now).invoke(id -> computation[0] = id).replaceWithVoid())
                        .replaceWith(out);
            }));
        }).onFailure(Transactions::retryable).retry().atMost(3).invoke(out -> {
            if (computation[0] != null) {
                compute(computation[0], Set.copyOf(changed));
            }
        });
    }

    private boolean sameDefinition(Segment old, Definition d) {
        return old.name().equals(d.name()) && java.util.Objects.equals(old.description(), d.description())
                && old.tags().equals(d.tags() == null ? List.of() : d.tags())
                && old.state().jsonName().equals(d.state())
                && mapper.valueToTree(old.condition()).equals(mapper.valueToTree(d.condition()));
    }

    /** A saved segment and the bulk pass that brings its membership in line. */
    public record Saved(Segment segment, String computationId) {
    }

    public Uni<Saved> create(Definition d) {
        String id = UUID.randomUUID().toString();
        Transitions touched = new Transitions();
        return pool.withTransaction(sql -> segments.lockDefinitions(sql).chain(() -> segments.all(sql)).chain(all -> {
            Instant now = clock.instant();
            Segment s = checked(id, d, all, 1, now, now);
            return segments.insert(sql, s).chain(() -> computations.open(sql, Set.of(id), now))
                    .map(computation -> new Saved(s, computation));
        })).call(saved -> afterSave(saved, touched));
    }

    public Uni<Saved> update(String id, Definition d) {
        Transitions touched = new Transitions();
        return Uni.createFrom().deferred(() -> {
            touched.clear();
            return pool.withTransaction(sql -> segments.lockDefinitions(sql).chain(() -> segments.all(sql)).chain(all -> {
                Segment old = all.stream().filter(s -> s.id().equals(id)).findFirst()
                        .orElseThrow(() -> notFound(id));
                Instant now = clock.instant();
                Segment s = checked(id, d, all, old.version() + 1, old.createdAt(), now);
                if (old.active() && !s.active()) {
                    refuseIfUsed(s, all, "archive");
                }
                return segments.update(sql, s)
                        .chain(() -> old.active() && !s.active() ? updater.emptySegment(sql, s, now)
                                : Uni.createFrom().item(new Transitions()))
                        .invoke(touched::addAll)
                        .chain(() -> computations.open(sql, Set.of(id), now))
                        .map(computation -> new Saved(s, computation));
            }));
        }).onFailure(Transactions::retryable).retry().atMost(3).call(saved -> afterSave(saved, touched));
    }

    public Uni<Void> delete(String id) {
        Transitions touched = new Transitions();
        return pool.withTransaction(sql -> segments.lockDefinitions(sql).chain(() -> segments.all(sql)).chain(all -> {
            Segment old = all.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(() -> notFound(id));
            refuseIfUsed(old, all, "delete");
            return updater.emptySegment(sql, old, clock.instant()).invoke(touched::addAll)
                    .chain(() -> segments.delete(sql, id));
        })).call(() -> updater.afterCommit(touched));
    }

    /** How many known profiles an unsaved condition would hold now, and a few of them. */
    public record Preview(long size, long evaluated, List<String> sample) {
    }

    public Uni<Preview> preview(Object condition, int sampleSize) {
        var parse = ConditionParser.parse(condition, "condition");
        Instant now = clock.instant();
        return pool.withConnection(sql -> segments.all(sql).chain(all -> {
            List<Problem.Violation> violations = new ArrayList<>(parse.violations());
            Set<String> known = new HashSet<>();
            all.forEach(s -> known.add(s.id()));
            parse.referencePaths().forEach((ref, path) -> {
                if (!known.contains(ref)) {
                    violations.add(new Problem.Violation(path, "names no existing segment: " + ref));
                }
            });
            if (!violations.isEmpty()) {
                throw new InvalidRequestException("The condition is not valid.", violations);
            }
            return previewPage(sql, parse.condition(), now, sampleSize, null, new Preview(0, 0, List.of()));
        }));
    }

    private Uni<Preview> previewPage(SqlClient sql, Condition condition, Instant now, int sampleSize, String after,
            Preview sofar) {
        return updater.profileIds(sql, after, 500).chain(ids -> {
            List<String> sample = new ArrayList<>(sofar.sample());
            long[] size = { sofar.size() };
            Uni<Void> chain = Transactions.each(ids, id -> updater.facts(sql, id, now).invoke(f -> f.ifPresent(facts -> {
                if (ConditionEvaluator.matches(condition, facts, now)) {
                    size[0]++;
                    if (sample.size() < sampleSize) {
                        sample.add(id);
                    }
                }
            })));
            return chain.chain(() -> {
                Preview next = new Preview(size[0], sofar.evaluated() + ids.size(), sample);
                return ids.size() < 500 ? Uni.createFrom().item(next)
                        : previewPage(sql, condition, now, sampleSize, ids.get(ids.size() - 1), next);
            });
        });
    }

    /**
     * Why a profile is or is not in a segment now, condition by condition, and when the answer next
     * may change with time alone (null when only a profile change can change it).
     */
    public record Explanation(String segmentId, long segmentVersion, String profileId, boolean matches, boolean member,
            Instant evaluatedAt, Instant nextChangeAt, ConditionEvaluator.Trace trace) {
    }

    public Uni<Explanation> explain(String segmentId, String profileId) {
        Instant now = clock.instant();
        return pool.withConnection(sql -> segments.find(sql, segmentId, false).chain(found -> {
            Segment s = found.orElseThrow(() -> notFound(segmentId));
            return updater.facts(sql, profileId, now).map(f -> {
                var facts = f.orElseThrow(() -> new NotFoundException("No profile " + profileId + " is known here."));
                var trace = ConditionEvaluator.explain(s.parsed(), facts, now);
                return new Explanation(segmentId, s.version(), profileId, trace.held(), facts.memberships().contains(segmentId),
                        now, ConditionEvaluator.nextChange(s.parsed(), facts, now), trace);
            });
        }));
    }

    /**
     * Brings membership in line with the saved definition. It runs after the response: a bulk pass
     * over every profile may take long, and the stream keeps individual profiles right meanwhile.
     * The pass was recorded with the save, so if this process dies first another one runs it.
     */
    private Uni<Void> afterSave(Saved saved, Transitions touched) {
        return updater.afterCommit(touched).invoke(() -> compute(saved.computationId(), Set.of(saved.segment().id())));
    }

    private void compute(String computationId, Set<String> segmentIds) {
        bulk.run(computationId, segmentIds, null).subscribe().with(
                n -> LOG.debugf("bulk pass %s for %s made %d transitions", computationId, segmentIds, n),
                e -> LOG.errorf(e, "bulk pass %s for %s failed; it is retried once its lease lapses", computationId,
                        segmentIds));
    }

    private static void refuseIfUsed(Segment s, List<Segment> all, String what) {
        List<String> users = all.stream().filter(o -> o.active() && !o.id().equals(s.id()) && o.dependsOn().contains(s.id()))
                .map(o -> o.name() + " (" + o.id() + ")").toList();
        if (!users.isEmpty()) {
            throw new ConflictException("Cannot " + what + " segment " + s.id() + ": active segments use it: "
                    + String.join(", ", users) + ".");
        }
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("No segment " + id + " exists.");
    }

    /** The definition as a segment, or a 400 naming every problem including unknown references and cycles. */
    static Segment checked(String id, Definition d, List<Segment> all, long version, Instant createdAt, Instant now) {
        var result = validate(d);
        List<Problem.Violation> violations = new ArrayList<>(result.violations());
        Map<String, Set<String>> graph = new HashMap<>();
        Set<String> known = new HashSet<>();
        for (Segment s : all) {
            known.add(s.id());
            graph.put(s.id(), s.dependsOn());
        }
        result.parse().referencePaths().forEach((ref, path) -> {
            if (!known.contains(ref) && !ref.equals(id)) {
                violations.add(new Problem.Violation(path, "names no existing segment: " + ref));
            }
        });
        if (violations.isEmpty()) {
            graph.put(id, result.parse().referencedSegments());
            new SegmentGraph(graph).cycleThrough(id).ifPresent(cycle -> violations.add(new Problem.Violation("condition",
                    "segment references form a cycle: " + String.join(" -> ", cycle))));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException("The segment definition is not valid.", violations);
        }
        return new Segment(id, d.name().strip(), d.description(), d.tags() == null ? List.of() : List.copyOf(d.tags()),
                result.state(), d.condition(), result.parse().condition(), Set.copyOf(result.parse().referencedSegments()),
                version, createdAt, now);
    }

    /** What is wrong with a definition on its own, without looking at other segments. */
    public record Validation(ConditionParser.Result parse, Segment.State state, List<Problem.Violation> violations) {
    }

    public static Validation validate(Definition d) {
        List<Problem.Violation> violations = new ArrayList<>();
        if (d == null) {
            throw new InvalidRequestException("The segment definition is not valid.",
                    List.of(new Problem.Violation("", "a JSON body is required")));
        }
        if (d.name() == null || d.name().isBlank()) {
            violations.add(new Problem.Violation("name", "is required"));
        } else if (d.name().length() > 200) {
            violations.add(new Problem.Violation("name", "must be at most 200 characters"));
        }
        if (d.tags() != null) {
            for (int i = 0; i < d.tags().size(); i++) {
                if (d.tags().get(i) == null || d.tags().get(i).isBlank()) {
                    violations.add(new Problem.Violation("tags[" + i + "]", "must be a non-empty string"));
                }
            }
        }
        Segment.State state = Segment.State.DRAFT;
        if (d.state() != null) {
            try {
                state = Segment.State.valueOf(d.state().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                violations.add(new Problem.Violation("state", "must be one of draft, active, archived"));
            }
        }
        var parse = ConditionParser.parse(d.condition(), "condition");
        violations.addAll(parse.violations());
        return new Validation(parse, state, violations);
    }
}
