package io.touchpoint.journey.definition.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;

import io.touchpoint.contracts.EventJson;

class JourneyParserTest {

    static final String WELCOME = """
            {"name": "Welcome",
             "trigger": {"event": "Signed Up", "where": {"plan": "free"}},
             "nodes": [
               {"id": "welcome", "type": "send", "template": "welcome-email", "channel": "email", "next": "wait"},
               {"id": "wait", "type": "wait", "duration": "P7D", "next": "lesson-1"},
               {"id": "lesson-1", "type": "send", "template": "lesson-1", "next": "done"},
               {"id": "done", "type": "exit"}]}""";

    static Map<String, Object> json(String text) throws Exception {
        return EventJson.mapper().readValue(text, new TypeReference<>() {
        });
    }

    private static Set<String> paths(String definition) throws Exception {
        return JourneyParser.parse(json(definition)).violations().stream().map(v -> v.field()).collect(Collectors.toSet());
    }

    @Test
    void aValidJourneyBecomesItsGraph() throws Exception {
        var result = JourneyParser.parse(json(WELCOME));
        assertTrue(result.valid(), result.violations().toString());
        var graph = result.graph();
        assertEquals("welcome", graph.start());
        assertEquals("Signed Up", ((JourneyGraph.EventTrigger) graph.trigger()).event());
        assertEquals(Duration.ofDays(7), ((JourneyGraph.Wait) graph.node("wait")).duration());
        assertEquals("lesson-1", ((JourneyGraph.Wait) graph.node("wait")).next());
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() throws Exception {
        Set<String> paths = paths("""
                {"trigger": {"where": {"plan": "free"}, "when": 1},
                 "nodes": [
                   {"id": "a", "type": "send", "next": "nowhere"},
                   {"id": "b", "type": "wait", "duration": "seven days", "next": "a"},
                   {"id": "a", "type": "exit"},
                   {"id": "c", "type": "teleport"},
                   {"type": "exit"},
                   {"id": "d", "type": "exit", "next": "a"},
                   {"id": "e", "type": "wait", "duration": "PT0S", "next": "a"}]}""");
        assertEquals(Set.of("name", "trigger.event", "trigger.when", "nodes[0].template", "nodes[1].duration",
                "nodes[2].id", "nodes[3].type", "nodes[4].id", "nodes[5].next", "nodes[6].duration"), paths);
    }

    @Test
    void danglingEdgesUnreachableNodesAndLoopsWithoutAWaitAreRefused() throws Exception {
        assertEquals(Set.of("nodes[0].next"), paths("""
                {"name": "x", "trigger": {"event": "E"}, "nodes": [{"id": "a", "type": "send", "template": "t", "next": "b"}]}"""));
        assertEquals(Set.of("nodes[1]"), paths("""
                {"name": "x", "trigger": {"event": "E"}, "nodes": [{"id": "a", "type": "exit"},
                  {"id": "b", "type": "send", "template": "t", "next": "a"}]}"""));
        assertEquals(Set.of("nodes[0]", "nodes[1]"), paths("""
                {"name": "x", "trigger": {"event": "E"}, "nodes": [
                  {"id": "a", "type": "send", "template": "t", "next": "b"},
                  {"id": "b", "type": "send", "template": "t", "next": "a"}]}"""));
        // The same loop through a wait sends once per wait: allowed.
        assertEquals(Set.of(), paths("""
                {"name": "x", "trigger": {"event": "E"}, "nodes": [
                  {"id": "a", "type": "send", "template": "t", "next": "b"},
                  {"id": "b", "type": "wait", "duration": "P7D", "next": "a"}]}"""));
        assertEquals(Set.of("start"), paths("""
                {"name": "x", "start": "z", "trigger": {"event": "E"}, "nodes": [{"id": "a", "type": "exit"}]}"""));
    }

    @Test
    void theTriggerFilterAndTheAudienceSpeakTheSegmentsConditionLanguage() throws Exception {
        List<String> paths = JourneyParser.parse(json("""
                {"name": "x", "trigger": {"event": "Bet Placed", "where": "football"},
                 "audience": {"trait": "age", "operator": "older_than", "value": 18},
                 "nodes": [{"id": "a", "type": "exit"}]}""")).violations().stream().map(v -> v.field()).toList();
        assertTrue(paths.stream().anyMatch(p -> p.startsWith("trigger")), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.startsWith("audience")), paths.toString());
    }

    @Test
    void everyNodeTypeIsReadAndItsProblemsNamed() throws Exception {
        var result = JourneyParser.parse(json("""
                {"name": "offer", "trigger": {"api": true}, "timeZone": "Europe/Helsinki",
                 "entry": {"key": "orderId"},
                 "exitOn": [{"segmentLeft": "active"}, {"when": {"trait": "blocked", "operator": "equals", "value": true}}],
                 "goal": {"event": "Order Placed", "within": "P7D", "exit": true},
                 "nodes": [
                   {"id": "pick", "type": "branch", "branches": [
                      {"name": "high", "when": {"entry": "margin", "operator": "equals", "value": "high"}, "next": "ab"}],
                    "otherwise": "morning"},
                   {"id": "ab", "type": "split", "arms": [{"name": "A", "percent": 45, "next": "morning"},
                      {"name": "B", "percent": 45, "next": "morning"}], "holdout": 10},
                   {"id": "morning", "type": "waitUntil", "time": "09:00", "days": ["MON", "TUE"], "next": "offer"},
                   {"id": "offer", "type": "send", "template": "offer", "variables": {"x": 1}, "next": "cancel"},
                   {"id": "cancel", "type": "waitForEvent", "event": "Order Cancelled",
                    "where": {"orderId": {"entry": "orderId"}}, "untilEntry": "deadline", "next": "done", "timeoutNext": "ship"},
                   {"id": "ship", "type": "updateTraits", "traits": {"lastOffer": "shipped"}, "next": "done"},
                   {"id": "done", "type": "exit"}]}"""));
        assertTrue(result.valid(), result.violations().toString());
        var graph = result.graph();
        assertEquals(java.time.ZoneId.of("Europe/Helsinki"), graph.zone());
        assertEquals(2, graph.exits().size());
        assertEquals(10, ((JourneyGraph.Split) graph.node("ab")).holdout());
        assertEquals("deadline", ((JourneyGraph.WaitForEvent) graph.node("cancel")).untilProperty());

        assertEquals(Set.of("timeZone", "nodes[0].arms", "nodes[1].time", "nodes[1].days[0]", "nodes[2].timeout",
                "nodes[3].branches[0].when", "trigger.schedule.days", "audience"), paths("""
                {"name": "x", "timeZone": "Mars/Olympus", "trigger": {"schedule": {"every": "week", "time": "09:00"}},
                 "nodes": [
                   {"id": "s", "type": "split", "arms": [{"name": "A", "percent": 60, "next": "w"}], "holdout": 10},
                   {"id": "w", "type": "waitUntil", "time": "nine", "days": ["Funday"], "next": "e"},
                   {"id": "e", "type": "waitForEvent", "event": "X", "next": "b", "timeoutNext": "b"},
                   {"id": "b", "type": "branch", "branches": [{"when": {"nonsense": 1}, "next": "x"}], "otherwise": "x"},
                   {"id": "x", "type": "exit"}]}"""));
    }
}
