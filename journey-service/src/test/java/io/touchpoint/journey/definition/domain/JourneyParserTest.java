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
        assertEquals("Signed Up", graph.trigger().event());
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
}
