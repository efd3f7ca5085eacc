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
import io.touchpoint.conditions.ConditionEvaluator.LoggedEvent;

/** A journey's conditions may read the payload its instance entered with; a segment's may not. */
class EntryConditionsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static Facts facts(String event, Map<String, Object> properties) {
        return new Facts("p-1", Map.of(), Map.of(), List.of(), List.of(new LoggedEvent(event, NOW, properties)), Set.of());
    }

    @Test
    void aWaitedEventMatchesOnlyTheOrderTheInstanceEnteredWith() {
        var parsed = ConditionParser.parseWithEntry(
                Map.of("event", "Order Cancelled", "where", Map.of("orderId", Map.of("entry", "orderId"))), "match");
        assertTrue(parsed.valid(), parsed.violations().toString());
        Facts cancelled = facts("Order Cancelled", Map.of("orderId", "o-2"));
        assertTrue(ConditionEvaluator.matches(parsed.condition(), cancelled.withEntry(Map.of("orderId", "o-2")), NOW));
        assertFalse(ConditionEvaluator.matches(parsed.condition(), cancelled.withEntry(Map.of("orderId", "o-1")), NOW));
        assertFalse(ConditionEvaluator.matches(parsed.condition(), cancelled.withEntry(Map.of()), NOW),
                "an instance without the property matches no event");
    }

    @Test
    void anEntryPropertyIsComparedLikeATrait() {
        var parsed = ConditionParser.parseWithEntry(Map.of("entry", "total", "operator", "gte", "value", 100), "when");
        assertTrue(parsed.valid(), parsed.violations().toString());
        Facts none = facts("x", Map.of());
        assertTrue(ConditionEvaluator.matches(parsed.condition(), none.withEntry(Map.of("total", 120)), NOW));
        assertFalse(ConditionEvaluator.matches(parsed.condition(), none.withEntry(Map.of("total", 80)), NOW));
        assertEquals("entry total gte 100", ConditionEvaluator.explain(parsed.condition(), none, NOW).condition());
    }

    @Test
    void segmentsRefuseEntryConditions() {
        var node = ConditionParser.parse(Map.of("entry", "total", "operator", "gte", "value", 100), "rule");
        assertFalse(node.valid());
        var ref = ConditionParser.parse(Map.of("event", "Bet", "where", Map.of("orderId", Map.of("entry", "orderId"))), "rule");
        assertEquals("rule.where.orderId", ref.violations().get(0).field());
    }
}
