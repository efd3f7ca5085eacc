package io.touchpoint.segmentation.segment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionEvaluator;

/**
 * Properties of the evaluator over random rules and profiles. A profile reaches the streaming path
 * as Kafka JSON and the bulk path as PostgreSQL jsonb; both are JSON round trips that turn ints
 * into longs or BigDecimals and instants into strings, and the answer must not depend on them.
 */
class RulePropertiesTest {

    private static final Instant BASE = Instant.parse("2026-06-15T06:00:00Z");
    private static final RuleGenerators GEN = new RuleGenerators(BASE);
    private static final Instant NOW = BASE.plusSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Provide
    Arbitrary<Object> rules() {
        return GEN.rules(3, List.of("seg-a", "seg-b"));
    }

    @Provide
    Arbitrary<RuleGenerators.Profile> profiles() {
        return GEN.profiles();
    }

    @Property(tries = 500)
    void everyGeneratedRuleIsValidAndItsExplanationAgreesWithTheVerdict(@ForAll("rules") Object rule,
            @ForAll("profiles") RuleGenerators.Profile profile) {
        Condition c = RuleGenerators.parse(rule);
        var facts = GEN.facts("p-1", profile, Set.of("seg-a"));
        assertEquals(ConditionEvaluator.matches(c, facts, NOW), ConditionEvaluator.explain(c, facts, NOW).held());
    }

    @Property(tries = 500)
    void theVerdictSurvivesTheJsonRoundTripsOfBothPaths(@ForAll("rules") Object rule,
            @ForAll("profiles") RuleGenerators.Profile profile) throws Exception {
        Condition c = RuleGenerators.parse(roundTrip(rule, Object.class));
        var direct = GEN.facts("p-2", profile, new HashSet<>(Set.of("seg-b")));
        var stored = GEN.facts("p-2", new RuleGenerators.Profile(roundTrip(profile.traits(), Map.class),
                roundTrip(profile.computed(), Map.class), profile.consents(),
                roundTripEvents(profile.events())), new HashSet<>(Set.of("seg-b")));
        assertEquals(ConditionEvaluator.matches(RuleGenerators.parse(rule), direct, NOW), ConditionEvaluator.matches(c, stored, NOW));
    }

    private static List<RuleGenerators.Event> roundTripEvents(List<RuleGenerators.Event> events) throws Exception {
        List<RuleGenerators.Event> out = new java.util.ArrayList<>();
        for (var e : events) {
            out.add(new RuleGenerators.Event(e.name(), e.daysAgo(), roundTrip(e.properties(), Map.class)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(Object value, Class<?> type) throws Exception {
        return (T) JSON.readValue(JSON.writeValueAsBytes(value), type);
    }
}
