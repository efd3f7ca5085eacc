package io.touchpoint.journey.execution.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.journey.definition.domain.JourneyGraph;

/**
 * A journey run for one test profile in memory, on a clock of its own: the same node decisions a
 * real run makes ({@link NodeStep}), waits passed over at once, the given events arriving at their
 * offsets (answering waits for events, exit criteria and the goal). Nothing is stored or sent; the
 * trace says what would have happened and when.
 */
public final class TestRun {

    /** An event the test profile performs {@code after} the run starts. */
    public record Happening(String event, Map<String, Object> properties, Duration after) {
    }

    /** One step: when, where, what happened, and the message that would have been requested. */
    public record Traced(Instant at, String nodeId, String outcome, Map<String, Object> message) {
    }

    private static final int MAX_STEPS = 1000;

    private TestRun() {
    }

    public static List<Traced> run(String journeyId, JourneyGraph graph, NodeStep.Subject base, Map<String, Object> payload,
            List<Happening> happenings, Instant start, Duration horizon) {
        List<Traced> trace = new ArrayList<>();
        List<Happening> pending = new ArrayList<>(happenings);
        pending.sort(Comparator.comparing(Happening::after));
        Instant now = start;
        Instant end = start.plus(horizon);
        String nodeId = graph.start();
        trace.add(new Traced(now, nodeId, "entered", null));
        for (int steps = 0; steps < MAX_STEPS; steps++) {
            NodeStep.Subject subject = new NodeStep.Subject(base.facts().withEntry(payload), base.preferences());
            JourneyGraph.Node node = graph.node(nodeId);
            NodeStep.Outcome outcome = NodeStep.decide(journeyId, graph, node, subject, start, now);
            if (outcome instanceof NodeStep.Request r) {
                trace.add(new Traced(now, nodeId, "message requested", Map.of("template", r.send().template(),
                        "channel", String.valueOf(r.send().channel()), "transactional", r.send().transactional())));
                nodeId = r.send().next();
            } else if (outcome instanceof NodeStep.SetTraits t) {
                trace.add(new Traced(now, nodeId, "traits set " + t.update().traits(), null));
                nodeId = t.update().next();
            } else if (outcome instanceof NodeStep.Go go) {
                trace.add(new Traced(now, nodeId, go.detail(), null));
                nodeId = go.next();
            } else if (outcome instanceof NodeStep.End e) {
                trace.add(new Traced(now, nodeId, "exited: " + e.reason(), null));
                return trace;
            } else {
                NodeStep.WaitTill wait = (NodeStep.WaitTill) outcome;
                trace.add(new Traced(now, nodeId, wait.detail(), null));
                Instant due = wait.due();
                // Events that happen before the wait is over, in order: an exit or an awaited event cuts it short.
                String interrupted = null;
                while (!pending.isEmpty() && !start.plus(pending.get(0).after()).isAfter(due)) {
                    Happening h = pending.remove(0);
                    Instant at = start.plus(h.after());
                    if (at.isBefore(now)) {
                        continue;
                    }
                    var facts = factsWith(base, payload, h, at);
                    String exit = exit(graph, h, facts, at);
                    if (exit != null) {
                        trace.add(new Traced(at, nodeId, "exited: " + exit, null));
                        return trace;
                    }
                    if (node instanceof JourneyGraph.WaitForEvent w && w.event().equals(h.event())
                            && ConditionEvaluator.matches(w.match(), facts, at)) {
                        trace.add(new Traced(at, nodeId, h.event() + " arrived", null));
                        now = at;
                        interrupted = w.next();
                        break;
                    }
                }
                if (interrupted != null) {
                    nodeId = interrupted;
                    continue;
                }
                if (due.isAfter(end)) {
                    trace.add(new Traced(end, nodeId, "still waiting when the test run ends", null));
                    return trace;
                }
                now = due;
                if (node instanceof JourneyGraph.WaitForEvent w) {
                    trace.add(new Traced(now, nodeId, w.event() + " did not arrive: timed out", null));
                    nodeId = w.timeoutNext();
                } else if (node instanceof JourneyGraph.Wait w) {
                    nodeId = w.next();
                } else {
                    nodeId = ((JourneyGraph.WaitUntil) node).next();
                }
            }
        }
        trace.add(new Traced(now, nodeId, "stopped: too many steps", null));
        return trace;
    }

    private static ConditionEvaluator.Facts factsWith(NodeStep.Subject base, Map<String, Object> payload, Happening h, Instant at) {
        var f = base.facts();
        return new ConditionEvaluator.Facts(f.profileId(), f.traits(), f.computed(), f.consents(),
                List.of(new ConditionEvaluator.LoggedEvent(h.event(), at, h.properties())), f.memberships(), f.lastLeft(), payload);
    }

    private static String exit(JourneyGraph graph, Happening h, ConditionEvaluator.Facts facts, Instant at) {
        for (JourneyGraph.ExitCriterion c : graph.exits()) {
            if (c instanceof JourneyGraph.ExitOnEvent e && e.event().equals(h.event()) && ConditionEvaluator.matches(e.match(), facts, at)) {
                return "exit event " + e.event();
            }
        }
        JourneyGraph.Goal g = graph.goal();
        if (g != null && g.exit() && g.event().equals(h.event()) && ConditionEvaluator.matches(g.match(), facts, at)) {
            return "goal " + g.event() + " reached";
        }
        return null;
    }
}
