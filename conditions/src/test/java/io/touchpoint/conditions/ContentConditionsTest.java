package io.touchpoint.conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.conditions.ConditionEvaluator.Facts;

/** A content rule may read the visit its request describes; segments and journeys may not, and it reads no event log. */
class ContentConditionsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Facts ACTIVE = new Facts("p-1", Map.of("firstName", "Ada"), Map.of("latestTouchChannel", "email"),
            List.of(), List.of(), Set.of("lifecycle-active-customer"));

    @Test
    void aVisitPartIsComparedLikeATraitAndSitsBesideProfileConditions() {
        var parsed = ConditionParser.parseForContent(Map.of("all", List.of(
                Map.of("visit", "channel", "operator", "equals", "value", "search"),
                Map.of("visit", "term", "operator", "contains", "value", "jackpot"),
                Map.of("inSegment", "lifecycle-active-customer"))), "rule");
        assertTrue(parsed.valid(), parsed.violations().toString());
        assertEquals(Set.of("lifecycle-active-customer"), parsed.referencedSegments());
        assertTrue(ConditionEvaluator.matches(parsed.condition(),
                ACTIVE.withVisit(Map.of("channel", "search", "term", "toto jackpot today")), NOW));
        assertFalse(ConditionEvaluator.matches(parsed.condition(), ACTIVE.withVisit(Map.of("channel", "search", "term", "odds")),
                NOW));
        assertFalse(ConditionEvaluator.matches(parsed.condition(), ACTIVE, NOW), "no visit: no part of it holds");
        var trace = ConditionEvaluator.explain(parsed.condition(), ACTIVE.withVisit(Map.of("channel", "social")), NOW);
        assertEquals("visit channel equals search", trace.children().get(0).condition());
        assertEquals("social", trace.children().get(0).seen());
    }

    @Test
    void contentRulesRefuseEventsHistoryAndUnknownVisitParts() {
        var parsed = ConditionParser.parseForContent(Map.of("any", List.of(
                Map.of("event", "Bet Placed", "withinLastDays", 30),
                Map.of("cameFrom", Map.of("segments", List.of("a"), "in", List.of("a"))),
                Map.of("visit", "utm_whatever", "operator", "equals", "value", "x"))), "variants[0].rule");
        assertEquals(List.of("variants[0].rule.any[0].event", "variants[0].rule.any[1].cameFrom",
                "variants[0].rule.any[2].visit"), parsed.violations().stream().map(v -> v.field()).toList());
    }

    @Test
    void segmentsAndJourneysRefuseVisitConditions() {
        Map<String, Object> visit = Map.of("visit", "channel", "operator", "equals", "value", "social");
        assertFalse(ConditionParser.parse(visit, "condition").valid());
        assertFalse(ConditionParser.parseWithEntry(visit, "condition").valid());
    }

    @Test
    void touchAttributesAreComputedAttributesSegmentsCanTest() {
        var parsed = ConditionParser.parse(Map.of("computed", "firstTouchChannel", "operator", "equals", "value", "social"),
                "condition");
        assertTrue(parsed.valid(), parsed.violations().toString());
        assertTrue(ConditionParser.COMPUTED.containsAll(List.of("latestTouchTerm", "latestTouchAt", "firstTouchSource")));
    }
}
