package io.touchpoint.segmentation.segment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;

/**
 * Streaming and bulk evaluation agree, on random rules and profiles, against real PostgreSQL. Random
 * segments (later ones may read earlier ones through inSegment) are stored active; random profiles
 * arrive as the stream delivers them, one ProfileChanged per interaction, through what the Kafka
 * consumer calls: one change per transaction ({@link MembershipUpdater#apply}) in even rounds, polls of
 * interleaved profiles ({@link MembershipUpdater#applyAll}) in odd ones. The memberships the stream decided must be
 * what the evaluator says of the generated profile; then they are wiped and a bulk pass must decide
 * exactly the same. jqwik generates the cases; this runs under Jupiter because the application (and
 * its real PostgreSQL) lives in a {@code @QuarkusTest}, which jqwik's own engine cannot start.
 */
@QuarkusTest
class StreamingEqualsBulkTest {

    private static final Logger LOG = Logger.getLogger(StreamingEqualsBulkTest.class);
    private static final int ROUNDS = 10;
    private static final int SEGMENTS = 5;
    private static final int PROFILES = 40;

    @Inject
    MembershipUpdater updater;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    @Test
    void streamingAndBulkGiveTheSameMembershipAsTheEvaluator() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            oneRound(round);
        }
    }

    private void oneRound(int round) throws Exception {
        // PostgreSQL keeps microseconds; a nanosecond clock would move events off the window edges
        // the generator puts them on (inclusive boundaries are part of what is checked).
        Instant base = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        RuleGenerators gen = new RuleGenerators(base);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Condition> rules = new LinkedHashMap<>();
        Map<String, Object> raw = new LinkedHashMap<>();
        for (int i = 0; i < SEGMENTS; i++) {
            String id = "prop-" + tag + "-" + i;
            Object rule = gen.rules(3, new ArrayList<>(rules.keySet())).sample();
            raw.put(id, rule);
            rules.put(id, RuleGenerators.parse(rule));
        }
        Map<String, RuleGenerators.Profile> profiles = new LinkedHashMap<>();
        gen.profiles().sampleStream().limit(PROFILES).forEach(p -> profiles.put("prop-" + tag + "-p" + profiles.size(), p));
        String described = "rules " + json.writeValueAsString(raw) + "\nprofiles " + json.writeValueAsString(profiles);

        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword)) {
            insertSegments(c, raw);
            try {
                List<ProfileChanged> changes = new ArrayList<>();
                for (var e : profiles.entrySet()) {
                    changes.addAll(changes(e.getKey(), e.getValue(), base));
                }
                if (round % 2 == 0) {
                    for (ProfileChanged change : changes) {
                        updater.apply(change).await().atMost(Duration.ofSeconds(30));
                    }
                } else {
                    // As the consumer gets them: polls holding several changes of a profile, interleaved with others'.
                    List<ProfileChanged> interleaved = interleave(changes);
                    for (int from = 0; from < interleaved.size(); from += 37) {
                        updater.applyAll(interleaved.subList(from, Math.min(interleaved.size(), from + 37)))
                                .await().atMost(Duration.ofSeconds(30));
                    }
                }
                Map<String, Set<String>> expected = expected(gen, rules, profiles);
                assertEquals(expected, members(c, rules.keySet(), profiles.keySet()), "streaming decided otherwise for\n" + described);

                exec(c, "DELETE FROM membership WHERE segment_id = ANY(?)", rules.keySet());
                long started = System.nanoTime();
                updater.recompute(rules.keySet()).await().atMost(Duration.ofMinutes(5));
                long known = count(c, "SELECT count(*) FROM profile_snapshot");
                LOG.infof("round %d: bulk pass over %d profiles for %d segments in %d ms", round, known, SEGMENTS,
                        (System.nanoTime() - started) / 1_000_000);
                assertEquals(expected, members(c, rules.keySet(), profiles.keySet()), "the bulk pass decided otherwise for\n" + described);
            } finally {
                // Leave no active random segment behind for the stream of other tests to evaluate.
                exec(c, "DELETE FROM membership WHERE segment_id = ANY(?)", rules.keySet());
                exec(c, "DELETE FROM segment WHERE id = ANY(?)", rules.keySet());
            }
        }
    }

    /** What the evaluator says of the generated profiles, segments in the order they may read each other. */
    private static Map<String, Set<String>> expected(RuleGenerators gen, Map<String, Condition> rules,
            Map<String, RuleGenerators.Profile> profiles) {
        Instant now = Instant.now();
        Map<String, Set<String>> out = new LinkedHashMap<>();
        rules.keySet().forEach(s -> out.put(s, new TreeSet<>()));
        profiles.forEach((id, p) -> {
            Set<String> inside = new HashSet<>();
            rules.forEach((segment, rule) -> {
                if (ConditionEvaluator.matches(rule, gen.facts(id, p, inside), now)) {
                    inside.add(segment);
                    out.get(segment).add(id);
                }
            });
        });
        return out;
    }

    /** Round-robin over the profiles, each profile's changes kept in order. */
    private static List<ProfileChanged> interleave(List<ProfileChanged> changes) {
        Map<String, ArrayDeque<ProfileChanged>> byProfile = new LinkedHashMap<>();
        changes.forEach(c -> byProfile.computeIfAbsent(c.profileId(), k -> new ArrayDeque<>()).add(c));
        List<ProfileChanged> out = new ArrayList<>();
        while (out.size() < changes.size()) {
            byProfile.values().forEach(q -> {
                if (!q.isEmpty()) {
                    out.add(q.poll());
                }
            });
        }
        return out;
    }

    /** The changes the stream brings for one generated profile: one per interaction. */
    private static List<ProfileChanged> changes(String id, RuleGenerators.Profile p, Instant base) {
        List<ProfileChanged> out = new ArrayList<>();
        long version = 0;
        List<ProfileChanged.Trigger> triggers = new ArrayList<>();
        for (var e : p.events()) {
            triggers.add(new ProfileChanged.Trigger("prop", UUID.randomUUID().toString(), "track", e.name(), e.at(base),
                    e.properties()));
        }
        if (triggers.isEmpty()) {
            triggers.add(null);
        }
        for (var t : triggers) {
            out.add(new ProfileChanged(id, ++version, Set.of("traits"), p.traits(), p.computed(), p.consents(), Map.of(),
                    List.of(), t, Instant.now()));
        }
        return out;
    }

    private void insertSegments(Connection c, Map<String, Object> raw) throws Exception {
        try (var s = c.prepareStatement("""
                INSERT INTO segment (id, name, tags, state, condition, version, created_at, updated_at)
                VALUES (?, ?, '[]'::jsonb, 'active', ?::jsonb, 1, ?, ?)""")) {
            for (var e : raw.entrySet()) {
                s.setString(1, e.getKey());
                s.setString(2, "property " + e.getKey());
                s.setString(3, json.writeValueAsString(e.getValue()));
                s.setTimestamp(4, Timestamp.from(Instant.now()));
                s.setTimestamp(5, Timestamp.from(Instant.now()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static Map<String, Set<String>> members(Connection c, Set<String> segments, Set<String> profiles) throws Exception {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        segments.forEach(s -> out.put(s, new TreeSet<>()));
        try (var s = c.prepareStatement("SELECT segment_id, profile_id FROM membership WHERE segment_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", segments.toArray()));
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    if (profiles.contains(rs.getString(2))) {
                        out.get(rs.getString(1)).add(rs.getString(2));
                    }
                }
            }
        }
        return out;
    }

    private static void exec(Connection c, String sql, Set<String> ids) throws Exception {
        try (var s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            s.executeUpdate();
        }
    }

    private static long count(Connection c, String sql) throws Exception {
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
