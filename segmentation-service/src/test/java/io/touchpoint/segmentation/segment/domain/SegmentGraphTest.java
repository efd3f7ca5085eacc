package io.touchpoint.segmentation.segment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.conditions.Condition;

class SegmentGraphTest {

    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    @Test
    void dependencyOrderPutsReadSegmentsFirst() {
        var c = new Condition.InSegment("x");
        Segment b = new Segment("b", "b", null, List.of(), Segment.State.ACTIVE, null, c, Set.of("a"), 1, NOW, NOW);
        Segment a = new Segment("a", "a", null, List.of(), Segment.State.ACTIVE, null, c, Set.of("z"), 1, NOW, NOW);
        Segment z = new Segment("z", "z", null, List.of(), Segment.State.ACTIVE, null, c, Set.of(), 1, NOW, NOW);
        assertEquals(List.of(z, a, b), SegmentGraph.dependencyOrder(List.of(b, a, z)));
    }

    @Test
    void cyclesAreFoundAndNamed() {
        var graph = new SegmentGraph(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertEquals(List.of("a", "b", "c", "a"), graph.cycleThrough("a").orElseThrow());
        assertTrue(graph.cycleThrough("d").isEmpty());
        assertEquals(Set.of("a", "b", "c", "d"), graph.withDependents(Set.of("c")));
    }
}
