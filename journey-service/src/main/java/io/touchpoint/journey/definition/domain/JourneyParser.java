package io.touchpoint.journey.definition.domain;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.contracts.Problem;

/**
 * Reads a journey definition as the API receives it (JSON as maps and lists) and reports every
 * problem at once, each with its JSON path: missing or duplicate node ids, unknown node types,
 * edges to nodes that do not exist, unreachable nodes, cycles that never wait, bad durations, and
 * the trigger's, exit event's and audience's conditions as the shared condition language reports them.
 */
public final class JourneyParser {

    public static final int MAX_NODES = 500;

    public record Result(JourneyGraph graph, List<Problem.Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private JourneyParser() {
    }

    public static Result parse(Map<String, Object> definition) {
        List<Problem.Violation> errors = new ArrayList<>();
        String name = text(definition, "name", "name", errors, true);

        JourneyGraph.Trigger trigger = event(definition.get("trigger"), "trigger", true, errors);
        JourneyGraph.Trigger exitOn = event(definition.get("exitOn"), "exitOn", false, errors);
        JourneyGraph.Entry entry = entry(definition.get("entry"), errors);

        Condition audience = null;
        if (definition.get("audience") != null) {
            ConditionParser.Result parsed = ConditionParser.parse(definition.get("audience"), "audience");
            errors.addAll(parsed.violations());
            if (!parsed.referencePaths().isEmpty()) {
                errors.add(new Problem.Violation("audience", "segment membership is not yet evaluated at entry"));
            }
            audience = parsed.condition();
        }

        Map<String, JourneyGraph.Node> nodes = new LinkedHashMap<>();
        Map<String, String> paths = new HashMap<>();
        Set<String> ids = new HashSet<>();
        Object n = definition.get("nodes");
        if (!(n instanceof List<?> list) || list.isEmpty()) {
            errors.add(new Problem.Violation("nodes", "is required: a list of at least one node"));
        } else if (list.size() > MAX_NODES) {
            errors.add(new Problem.Violation("nodes", "at most " + MAX_NODES + " nodes"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                String path = "nodes[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> raw)) {
                    errors.add(new Problem.Violation(path, "must be an object"));
                    continue;
                }
                if (raw.get("id") instanceof String id && !ids.add(id)) {
                    errors.add(new Problem.Violation(path + ".id", "is used by another node: " + id));
                    continue;
                }
                JourneyGraph.Node node = node(cast(raw), path, errors);
                if (node != null) {
                    nodes.put(node.id(), node);
                    paths.put(node.id(), path);
                }
            }
        }

        String start = text(definition, "start", "start", errors, false);
        if (start == null && !nodes.isEmpty()) {
            start = nodes.keySet().iterator().next();
        }
        if (start != null && !nodes.isEmpty() && !nodes.containsKey(start)) {
            errors.add(new Problem.Violation("start", "names no node: " + start));
        }
        for (JourneyGraph.Node node : nodes.values()) {
            String next = next(node);
            if (next != null && !nodes.containsKey(next)) {
                errors.add(new Problem.Violation(paths.get(node.id()) + ".next", "names no node: " + next));
            }
        }
        if (errors.isEmpty()) {
            reachability(nodes, start, paths, errors);
            cyclesWithoutAWait(nodes, paths, errors);
        }
        return new Result(errors.isEmpty() ? new JourneyGraph(name, trigger, audience, exitOn, entry, start, Map.copyOf(nodes)) : null,
                List.copyOf(errors));
    }

    /** {@code {"key": "orderId", "reentry": "never" | "always" | "P30D"}}; absent: no key, never again. */
    private static JourneyGraph.Entry entry(Object value, List<Problem.Violation> errors) {
        if (value == null) {
            return JourneyGraph.Entry.DEFAULT;
        }
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation("entry", "must be {\"key\": \"orderId\", \"reentry\": \"never\"}"));
            return JourneyGraph.Entry.DEFAULT;
        }
        Map<String, Object> map = cast(raw);
        map.keySet().stream().filter(k -> !Set.of("key", "reentry").contains(k))
                .forEach(k -> errors.add(new Problem.Violation("entry." + k, "is not an entry field (key, reentry)")));
        String key = text(map, "key", "entry.key", errors, false);
        String reentry = text(map, "reentry", "entry.reentry", errors, false);
        if (reentry == null || reentry.equals("never")) {
            return new JourneyGraph.Entry(key, JourneyGraph.Reentry.NEVER, null);
        }
        if (reentry.equals("always")) {
            return new JourneyGraph.Entry(key, JourneyGraph.Reentry.ALWAYS, null);
        }
        try {
            Duration cooldown = Duration.parse(reentry);
            if (!cooldown.isNegative() && !cooldown.isZero()) {
                return new JourneyGraph.Entry(key, JourneyGraph.Reentry.AFTER_COOLDOWN, cooldown);
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new Problem.Violation("entry.reentry", "must be never, always, or a cool-down such as P30D"));
        return JourneyGraph.Entry.DEFAULT;
    }

    /** {@code {"event": "Signed Up", "where": {...}}}: an event name and a property filter. */
    private static JourneyGraph.Trigger event(Object value, String path, boolean required, List<Problem.Violation> errors) {
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation(path, (required ? "is required: " : "must be ")
                    + "{\"event\": \"Signed Up\", \"where\": {...}}"));
            return null;
        }
        Map<String, Object> map = cast(raw);
        map.keySet().stream().filter(k -> !Set.of("event", "where").contains(k))
                .forEach(k -> errors.add(new Problem.Violation(path + "." + k, "is not a field of an event (event, where)")));
        String event = text(map, "event", path + ".event", errors, true);
        if (event == null) {
            return null;
        }
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("event", event);
        if (map.get("where") != null) {
            match.put("where", map.get("where"));
        }
        ConditionParser.Result parsed = ConditionParser.parse(match, path);
        errors.addAll(parsed.violations());
        return new JourneyGraph.Trigger(event, parsed.condition());
    }

    private static JourneyGraph.Node node(Map<String, Object> raw, String path, List<Problem.Violation> errors) {
        String id = text(raw, "id", path + ".id", errors, true);
        String type = text(raw, "type", path + ".type", errors, true);
        if (id == null || type == null) {
            return null;
        }
        switch (type) {
            case "send" -> {
                String template = text(raw, "template", path + ".template", errors, true);
                String channel = text(raw, "channel", path + ".channel", errors, false);
                String topic = text(raw, "topic", path + ".topic", errors, false);
                Object transactional = raw.get("transactional");
                if (transactional != null && !(transactional instanceof Boolean)) {
                    errors.add(new Problem.Violation(path + ".transactional", "must be true or false"));
                }
                String next = text(raw, "next", path + ".next", errors, true);
                return template == null || next == null ? null
                        : new JourneyGraph.Send(id, template, channel, topic, Boolean.TRUE.equals(transactional), next);
            }
            case "wait" -> {
                String text = text(raw, "duration", path + ".duration", errors, true);
                String next = text(raw, "next", path + ".next", errors, true);
                Duration duration = null;
                if (text != null) {
                    try {
                        duration = Duration.parse(text);
                    } catch (DateTimeParseException e) {
                        errors.add(new Problem.Violation(path + ".duration", "is not an ISO-8601 duration such as PT10M, P7D or P1DT12H"));
                    }
                    if (duration != null && (duration.isNegative() || duration.isZero())) {
                        errors.add(new Problem.Violation(path + ".duration", "must be longer than zero"));
                        duration = null;
                    }
                }
                return duration == null || next == null ? null : new JourneyGraph.Wait(id, duration, next);
            }
            case "exit" -> {
                if (raw.get("next") != null) {
                    errors.add(new Problem.Violation(path + ".next", "an exit node has no next node"));
                }
                return new JourneyGraph.Exit(id);
            }
            default -> {
                errors.add(new Problem.Violation(path + ".type", "is not a node type (send, wait, exit): " + type));
                return null;
            }
        }
    }

    static String next(JourneyGraph.Node node) {
        if (node instanceof JourneyGraph.Send s) {
            return s.next();
        }
        if (node instanceof JourneyGraph.Wait w) {
            return w.next();
        }
        return null;
    }

    private static void reachability(Map<String, JourneyGraph.Node> nodes, String start, Map<String, String> paths,
            List<Problem.Violation> errors) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (seen.add(id) && next(nodes.get(id)) != null) {
                todo.push(next(nodes.get(id)));
            }
        }
        nodes.keySet().stream().filter(id -> !seen.contains(id))
                .forEach(id -> errors.add(new Problem.Violation(paths.get(id), "is not reachable from the start node")));
    }

    /** A loop that never waits would send without end the moment it is entered. */
    private static void cyclesWithoutAWait(Map<String, JourneyGraph.Node> nodes, Map<String, String> paths,
            List<Problem.Violation> errors) {
        for (String from : nodes.keySet()) {
            Set<String> visited = new HashSet<>();
            String id = from;
            while (id != null && !(nodes.get(id) instanceof JourneyGraph.Wait) && visited.add(id)) {
                id = next(nodes.get(id));
            }
            if (id != null && id.equals(from) && !(nodes.get(id) instanceof JourneyGraph.Wait)) {
                errors.add(new Problem.Violation(paths.get(from), "is on a cycle without a wait node"));
            }
        }
    }

    private static String text(Map<String, Object> map, String key, String path, List<Problem.Violation> errors,
            boolean required) {
        Object value = map.get(key);
        if (value == null) {
            if (required) {
                errors.add(new Problem.Violation(path, "is required"));
            }
            return null;
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > 200) {
            errors.add(new Problem.Violation(path, "must be a text of 1 to 200 characters"));
            return null;
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
