package io.touchpoint.journey.definition.domain;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.contracts.Problem;

/**
 * Reads a journey definition as the API receives it (JSON as maps and lists) and reports every
 * problem at once, each with its JSON path: missing or duplicate node ids, unknown node types,
 * edges to nodes that do not exist, unreachable nodes, cycles that never wait, bad durations,
 * times, zones and split percentages, and every condition as the shared condition language reports it.
 */
public final class JourneyParser {

    public static final int MAX_NODES = 500;
    private static final Set<String> NODE_TYPES = Set.of("send", "wait", "waitUntil", "waitForEvent", "branch", "split",
            "updateTraits", "exit");

    public record Result(JourneyGraph graph, List<Problem.Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private final List<Problem.Violation> errors = new ArrayList<>();

    private JourneyParser() {
    }

    public static Result parse(Map<String, Object> definition) {
        return new JourneyParser().read(definition);
    }

    private Result read(Map<String, Object> definition) {
        known(definition, "", Set.of("name", "description", "key", "trigger", "audience", "exitOn", "goal", "entry", "timeZone",
                "start", "nodes"));
        String name = text(definition, "name", "name", true);
        ZoneId zone = zone(definition.get("timeZone"), "timeZone");
        JourneyGraph.Trigger trigger = trigger(definition.get("trigger"));
        List<JourneyGraph.ExitCriterion> exits = exits(definition.get("exitOn"));
        JourneyGraph.Goal goal = goal(definition.get("goal"));
        JourneyGraph.Entry entry = entry(definition.get("entry"));
        Condition audience = definition.get("audience") == null ? null : condition(definition.get("audience"), "audience");
        if (trigger instanceof JourneyGraph.ScheduleTrigger && definition.get("audience") == null) {
            errors.add(new Problem.Violation("audience", "is required for a scheduled journey: who receives it"));
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
                JourneyGraph.Node node = node(cast(raw), path);
                if (node != null) {
                    nodes.put(node.id(), node);
                    paths.put(node.id(), path);
                }
            }
        }

        String start = text(definition, "start", "start", false);
        if (start == null && !nodes.isEmpty()) {
            start = nodes.keySet().iterator().next();
        }
        if (start != null && !nodes.isEmpty() && !nodes.containsKey(start)) {
            errors.add(new Problem.Violation("start", "names no node: " + start));
        }
        for (JourneyGraph.Node node : nodes.values()) {
            for (String next : node.edges()) {
                if (!nodes.containsKey(next)) {
                    errors.add(new Problem.Violation(paths.get(node.id()) + edgeField(node, next), "names no node: " + next));
                }
            }
        }
        if (errors.isEmpty()) {
            reachability(nodes, start, paths);
            cyclesWithoutAWait(nodes, paths);
        }
        return new Result(errors.isEmpty()
                ? new JourneyGraph(name, trigger, audience, exits, goal, entry, zone == null ? ZoneOffset.UTC : zone, start,
                        Map.copyOf(nodes))
                : null, List.copyOf(errors));
    }

    private static String edgeField(JourneyGraph.Node node, String next) {
        if (node instanceof JourneyGraph.WaitForEvent w && next.equals(w.timeoutNext()) && !next.equals(w.next())) {
            return ".timeoutNext";
        }
        if (node instanceof JourneyGraph.WaitUntil w && next.equals(w.missing()) && !next.equals(w.next())) {
            return ".missing";
        }
        if (node instanceof JourneyGraph.Branch b) {
            for (int i = 0; i < b.paths().size(); i++) {
                if (b.paths().get(i).next().equals(next)) {
                    return ".branches[" + i + "].next";
                }
            }
            return ".otherwise";
        }
        if (node instanceof JourneyGraph.Split s) {
            for (int i = 0; i < s.arms().size(); i++) {
                if (s.arms().get(i).next().equals(next)) {
                    return ".arms[" + i + "].next";
                }
            }
        }
        return ".next";
    }

    // ---- triggers, exits, goal, entry

    private JourneyGraph.Trigger trigger(Object value) {
        String shapes = "{\"event\": ...}, {\"segment\": ..., \"on\": \"entered\"}, {\"schedule\": {...}}, {\"date\": {...}} or {\"api\": true}";
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation("trigger", (value == null ? "is required: " : "must be one of ") + shapes));
            return null;
        }
        Map<String, Object> map = cast(raw);
        boolean other = map.containsKey("segment") || map.containsKey("api") || map.containsKey("schedule") || map.containsKey("date");
        if (map.containsKey("event") || !other) {
            // Without another kind's key it is read as an event trigger, so its own problems are named.
            JourneyGraph.ExitOnEvent event = event(map, "trigger");
            return event == null ? null : new JourneyGraph.EventTrigger(event.event(), event.match());
        }
        if (map.containsKey("segment")) {
            known(map, "trigger.", Set.of("segment", "on"));
            String segment = text(map, "segment", "trigger.segment", true);
            String on = map.get("on") == null ? "entered" : String.valueOf(map.get("on"));
            if (!on.equals("entered") && !on.equals("exited")) {
                errors.add(new Problem.Violation("trigger.on", "must be entered or exited"));
            }
            return segment == null ? null : new JourneyGraph.SegmentTrigger(segment, on.equals("entered"));
        }
        if (map.containsKey("api")) {
            known(map, "trigger.", Set.of("api"));
            if (!Boolean.TRUE.equals(map.get("api"))) {
                errors.add(new Problem.Violation("trigger.api", "must be true"));
            }
            return new JourneyGraph.ApiTrigger();
        }
        if (map.containsKey("schedule")) {
            known(map, "trigger.", Set.of("schedule"));
            return schedule(map.get("schedule"), "trigger.schedule");
        }
        if (map.containsKey("date")) {
            known(map, "trigger.", Set.of("date"));
            return date(map.get("date"), "trigger.date");
        }
        errors.add(new Problem.Violation("trigger", "must be one of " + shapes));
        return null;
    }

    /** {@code {"at": "2026-12-07T09:00"}} or {@code {"every": "week", "days": ["MON"], "time": "09:00", "recipientTime": true}}. */
    private JourneyGraph.ScheduleTrigger schedule(Object value, String path) {
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation(path, "must be {\"at\": \"2026-12-07T09:00\"} or {\"every\": \"week\", \"days\": [\"MON\"], \"time\": \"09:00\"}"));
            return null;
        }
        Map<String, Object> map = cast(raw);
        known(map, path + ".", Set.of("at", "every", "days", "dayOfMonth", "time", "recipientTime"));
        boolean recipientTime = bool(map, "recipientTime", path + ".recipientTime");
        if (map.get("at") != null) {
            if (map.get("every") != null) {
                errors.add(new Problem.Violation(path + ".every", "a schedule is either once (at) or recurring (every), not both"));
            }
            String at = text(map, "at", path + ".at", true);
            try {
                return at == null ? null : new JourneyGraph.ScheduleTrigger(LocalDateTime.parse(at), null, Set.of(), 0, null, recipientTime);
            } catch (DateTimeParseException e) {
                errors.add(new Problem.Violation(path + ".at", "is not a local date-time such as 2026-12-07T09:00"));
                return null;
            }
        }
        String every = text(map, "every", path + ".every", true);
        JourneyGraph.Repeat repeat = null;
        if (every != null) {
            try {
                repeat = JourneyGraph.Repeat.valueOf(every.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.Violation(path + ".every", "must be day, week or month"));
            }
        }
        LocalTime time = time(map.get("time"), path + ".time", true);
        Set<DayOfWeek> days = days(map.get("days"), path + ".days");
        if (repeat == JourneyGraph.Repeat.WEEK && days.isEmpty()) {
            errors.add(new Problem.Violation(path + ".days", "is required for a weekly schedule: [\"MON\", ...]"));
        }
        int dayOfMonth = 1;
        if (map.get("dayOfMonth") != null) {
            if (!(map.get("dayOfMonth") instanceof Integer d) || d < 1 || d > 28) {
                errors.add(new Problem.Violation(path + ".dayOfMonth", "must be a whole number from 1 to 28"));
            } else {
                dayOfMonth = d;
            }
        }
        return repeat == null || time == null ? null
                : new JourneyGraph.ScheduleTrigger(null, repeat, days, dayOfMonth, time, recipientTime);
    }

    /** {@code {"trait": "birthday", "anniversary": true, "offsetDays": -3, "time": "09:00"}}. */
    private JourneyGraph.DateTrigger date(Object value, String path) {
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation(path, "must be {\"trait\": \"birthday\", \"anniversary\": true, \"offsetDays\": -3, \"time\": \"09:00\"}"));
            return null;
        }
        Map<String, Object> map = cast(raw);
        known(map, path + ".", Set.of("trait", "computed", "anniversary", "offsetDays", "time"));
        JourneyGraph.DateAttribute attribute = dateAttribute(map, path);
        int offset = offsetDays(map, path);
        LocalTime time = map.get("time") == null ? LocalTime.of(9, 0) : time(map.get("time"), path + ".time", true);
        return attribute == null || time == null ? null
                : new JourneyGraph.DateTrigger(attribute, bool(map, "anniversary", path + ".anniversary"), offset, time);
    }

    private JourneyGraph.DateAttribute dateAttribute(Map<String, Object> map, String path) {
        if (map.get("trait") != null) {
            String name = text(map, "trait", path + ".trait", true);
            return name == null ? null : new JourneyGraph.DateAttribute(false, name);
        }
        if (map.get("computed") != null) {
            String name = text(map, "computed", path + ".computed", true);
            return name == null ? null : new JourneyGraph.DateAttribute(true, name);
        }
        errors.add(new Problem.Violation(path, "names no date attribute: give \"trait\" or \"computed\""));
        return null;
    }

    private int offsetDays(Map<String, Object> map, String path) {
        Object o = map.get("offsetDays");
        if (o == null) {
            return 0;
        }
        if (!(o instanceof Integer d) || Math.abs(d) > 3660) {
            errors.add(new Problem.Violation(path + ".offsetDays", "must be a whole number of days from -3660 to 3660"));
            return 0;
        }
        return d;
    }

    /** One criterion or a list: {@code {"event": ...}}, {@code {"segmentLeft": "id"}}, {@code {"when": condition}}. */
    private List<JourneyGraph.ExitCriterion> exits(Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        List<JourneyGraph.ExitCriterion> exits = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = value instanceof List<?> ? "exitOn[" + i + "]" : "exitOn";
            if (!(list.get(i) instanceof Map<?, ?> raw)) {
                errors.add(new Problem.Violation(path, "must be {\"event\": ...}, {\"segmentLeft\": \"segment id\"} or {\"when\": condition}"));
                continue;
            }
            Map<String, Object> map = cast(raw);
            if (map.containsKey("event")) {
                JourneyGraph.ExitOnEvent e = event(map, path);
                if (e != null) {
                    exits.add(e);
                }
            } else if (map.containsKey("segmentLeft")) {
                known(map, path + ".", Set.of("segmentLeft"));
                String segment = text(map, "segmentLeft", path + ".segmentLeft", true);
                if (segment != null) {
                    exits.add(new JourneyGraph.ExitOnSegmentLeft(segment));
                }
            } else if (map.containsKey("when")) {
                known(map, path + ".", Set.of("when"));
                Condition c = condition(map.get("when"), path + ".when");
                if (c != null) {
                    exits.add(new JourneyGraph.ExitWhen(c));
                }
            } else {
                errors.add(new Problem.Violation(path, "must be {\"event\": ...}, {\"segmentLeft\": \"segment id\"} or {\"when\": condition}"));
            }
        }
        return List.copyOf(exits);
    }

    /** {@code {"event": "Bet Placed", "where": {...}, "within": "P7D", "exit": true}}. */
    private JourneyGraph.Goal goal(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation("goal", "must be {\"event\": \"Bet Placed\", \"within\": \"P7D\", \"exit\": true}"));
            return null;
        }
        Map<String, Object> map = cast(raw);
        Map<String, Object> eventPart = new LinkedHashMap<>(map);
        eventPart.remove("within");
        eventPart.remove("exit");
        JourneyGraph.ExitOnEvent event = event(eventPart, "goal");
        Duration within = map.get("within") == null ? null : duration(map.get("within"), "goal.within");
        boolean exit = bool(map, "exit", "goal.exit");
        return event == null ? null : new JourneyGraph.Goal(event.event(), event.match(), within, exit);
    }

    /** {@code {"key": "orderId", "reentry": "never" | "always" | "P30D"}}; absent: no key, never again. */
    private JourneyGraph.Entry entry(Object value) {
        if (value == null) {
            return JourneyGraph.Entry.DEFAULT;
        }
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(new Problem.Violation("entry", "must be {\"key\": \"orderId\", \"reentry\": \"never\"}"));
            return JourneyGraph.Entry.DEFAULT;
        }
        Map<String, Object> map = cast(raw);
        known(map, "entry.", Set.of("key", "reentry"));
        String key = text(map, "key", "entry.key", false);
        String reentry = text(map, "reentry", "entry.reentry", false);
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
    private JourneyGraph.ExitOnEvent event(Map<String, Object> map, String path) {
        known(map, path + ".", Set.of("event", "where"));
        String event = text(map, "event", path + ".event", true);
        if (event == null) {
            return null;
        }
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("event", event);
        if (map.get("where") != null) {
            match.put("where", map.get("where"));
        }
        ConditionParser.Result parsed = ConditionParser.parseWithEntry(match, path);
        errors.addAll(parsed.violations());
        return new JourneyGraph.ExitOnEvent(event, parsed.condition());
    }

    private Condition condition(Object json, String path) {
        ConditionParser.Result parsed = ConditionParser.parseWithEntry(json, path);
        errors.addAll(parsed.violations());
        return parsed.condition();
    }

    // ---- nodes

    private JourneyGraph.Node node(Map<String, Object> raw, String path) {
        String id = text(raw, "id", path + ".id", true);
        String type = text(raw, "type", path + ".type", true);
        if (id == null || type == null) {
            return null;
        }
        if (!NODE_TYPES.contains(type)) {
            errors.add(new Problem.Violation(path + ".type", "is not a node type (" + String.join(", ", NODE_TYPES.stream().sorted().toList())
                    + "): " + type));
            return null;
        }
        int before = errors.size();
        JourneyGraph.Node node = switch (type) {
            case "send" -> send(raw, id, path);
            case "wait" -> {
                known(raw, path + ".", Set.of("id", "type", "duration", "next"));
                Duration duration = duration(raw.get("duration"), path + ".duration");
                yield new JourneyGraph.Wait(id, duration, text(raw, "next", path + ".next", true));
            }
            case "waitUntil" -> waitUntil(raw, id, path);
            case "waitForEvent" -> waitForEvent(raw, id, path);
            case "branch" -> branch(raw, id, path);
            case "split" -> split(raw, id, path);
            case "updateTraits" -> {
                known(raw, path + ".", Set.of("id", "type", "traits", "next"));
                if (!(raw.get("traits") instanceof Map<?, ?> traits) || traits.isEmpty()) {
                    errors.add(new Problem.Violation(path + ".traits", "is required: an object of the traits to set"));
                    yield null;
                }
                yield new JourneyGraph.UpdateTraits(id, Map.copyOf(cast(traits)), text(raw, "next", path + ".next", true));
            }
            default -> {
                if (raw.get("next") != null) {
                    errors.add(new Problem.Violation(path + ".next", "an exit node has no next node"));
                }
                yield new JourneyGraph.Exit(id);
            }
        };
        return errors.size() == before ? node : null;
    }

    private JourneyGraph.Node send(Map<String, Object> raw, String id, String path) {
        known(raw, path + ".", Set.of("id", "type", "template", "channel", "topic", "transactional", "variables", "next"));
        String template = text(raw, "template", path + ".template", true);
        String channel = text(raw, "channel", path + ".channel", false);
        String topic = text(raw, "topic", path + ".topic", false);
        boolean transactional = bool(raw, "transactional", path + ".transactional");
        Map<String, Object> variables = Map.of();
        if (raw.get("variables") != null) {
            if (!(raw.get("variables") instanceof Map<?, ?> v)) {
                errors.add(new Problem.Violation(path + ".variables", "must be an object of names to values"));
            } else {
                variables = Map.copyOf(cast(v));
            }
        }
        return new JourneyGraph.Send(id, template, channel, topic, transactional, variables, text(raw, "next", path + ".next", true));
    }

    private JourneyGraph.Node waitUntil(Map<String, Object> raw, String id, String path) {
        known(raw, path + ".", Set.of("id", "type", "time", "days", "trait", "computed", "anniversary", "offsetDays", "next",
                "missing"));
        boolean byDate = raw.get("trait") != null || raw.get("computed") != null;
        JourneyGraph.DateAttribute date = byDate ? dateAttribute(raw, path) : null;
        LocalTime time = raw.get("time") == null && byDate ? LocalTime.of(9, 0) : time(raw.get("time"), path + ".time", true);
        Set<DayOfWeek> days = days(raw.get("days"), path + ".days");
        if (byDate && !days.isEmpty()) {
            errors.add(new Problem.Violation(path + ".days", "a wait until a date attribute has no weekdays"));
        }
        String missing = text(raw, "missing", path + ".missing", false);
        return new JourneyGraph.WaitUntil(id, time, days, date, bool(raw, "anniversary", path + ".anniversary"),
                offsetDays(raw, path), text(raw, "next", path + ".next", true), missing);
    }

    private JourneyGraph.Node waitForEvent(Map<String, Object> raw, String id, String path) {
        known(raw, path + ".", Set.of("id", "type", "event", "where", "timeout", "untilEntry", "next", "timeoutNext"));
        Map<String, Object> eventPart = new LinkedHashMap<>();
        eventPart.put("event", raw.get("event"));
        if (raw.get("where") != null) {
            eventPart.put("where", raw.get("where"));
        }
        JourneyGraph.ExitOnEvent event = event(eventPart, path);
        Duration timeout = raw.get("timeout") == null ? null : duration(raw.get("timeout"), path + ".timeout");
        String until = text(raw, "untilEntry", path + ".untilEntry", false);
        if ((timeout == null) == (until == null) && !errors.stream().anyMatch(v -> v.field().equals(path + ".timeout"))) {
            errors.add(new Problem.Violation(path + ".timeout", "give either a timeout (P14D) or untilEntry (the entry property holding the deadline)"));
        }
        return event == null ? null : new JourneyGraph.WaitForEvent(id, event.event(), event.match(), timeout, until,
                text(raw, "next", path + ".next", true), text(raw, "timeoutNext", path + ".timeoutNext", true));
    }

    private JourneyGraph.Node branch(Map<String, Object> raw, String id, String path) {
        known(raw, path + ".", Set.of("id", "type", "branches", "otherwise"));
        List<JourneyGraph.Path> paths = new ArrayList<>();
        if (!(raw.get("branches") instanceof List<?> list) || list.isEmpty()) {
            errors.add(new Problem.Violation(path + ".branches", "is required: [{\"name\": ..., \"when\": condition, \"next\": node}]"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                String p = path + ".branches[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> b)) {
                    errors.add(new Problem.Violation(p, "must be {\"name\": ..., \"when\": condition, \"next\": node}"));
                    continue;
                }
                Map<String, Object> map = cast(b);
                known(map, p + ".", Set.of("name", "when", "next"));
                String name = map.get("name") == null ? "branch " + (i + 1) : text(map, "name", p + ".name", true);
                Condition when = condition(map.get("when"), p + ".when");
                String next = text(map, "next", p + ".next", true);
                if (when != null && next != null) {
                    paths.add(new JourneyGraph.Path(name, when, next));
                }
            }
        }
        return new JourneyGraph.Branch(id, List.copyOf(paths), text(raw, "otherwise", path + ".otherwise", true));
    }

    private JourneyGraph.Node split(Map<String, Object> raw, String id, String path) {
        known(raw, path + ".", Set.of("id", "type", "arms", "holdout"));
        List<JourneyGraph.Arm> arms = new ArrayList<>();
        int total = 0;
        if (!(raw.get("arms") instanceof List<?> list) || list.isEmpty()) {
            errors.add(new Problem.Violation(path + ".arms", "is required: [{\"name\": \"A\", \"percent\": 50, \"next\": node}]"));
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String p = path + ".arms[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> a)) {
                    errors.add(new Problem.Violation(p, "must be {\"name\": \"A\", \"percent\": 50, \"next\": node}"));
                    continue;
                }
                Map<String, Object> map = cast(a);
                known(map, p + ".", Set.of("name", "percent", "next"));
                String name = text(map, "name", p + ".name", true);
                if (name != null && (!names.add(name) || name.equals("holdout"))) {
                    errors.add(new Problem.Violation(p + ".name", "is used by another arm: " + name));
                }
                int percent = percent(map.get("percent"), p + ".percent");
                total += percent;
                String next = text(map, "next", p + ".next", true);
                if (name != null && next != null) {
                    arms.add(new JourneyGraph.Arm(name, percent, next));
                }
            }
        }
        int holdout = raw.get("holdout") == null ? 0 : percent(raw.get("holdout"), path + ".holdout");
        if (total + holdout != 100 && errors.stream().noneMatch(v -> v.field().startsWith(path + ".arms"))) {
            errors.add(new Problem.Violation(path + ".arms", "the arms' percentages and the holdout must add up to 100, not "
                    + (total + holdout)));
        }
        return new JourneyGraph.Split(id, List.copyOf(arms), holdout);
    }

    private int percent(Object value, String path) {
        if (!(value instanceof Integer p) || p < 0 || p > 100) {
            errors.add(new Problem.Violation(path, "must be a whole number from 0 to 100"));
            return 0;
        }
        return p;
    }

    // ---- graph checks

    private void reachability(Map<String, JourneyGraph.Node> nodes, String start, Map<String, String> paths) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (seen.add(id)) {
                nodes.get(id).edges().forEach(todo::push);
            }
        }
        nodes.keySet().stream().filter(id -> !seen.contains(id))
                .forEach(id -> errors.add(new Problem.Violation(paths.get(id), "is not reachable from the start node")));
    }

    /** A loop that never waits would send without end the moment it is entered. */
    private void cyclesWithoutAWait(Map<String, JourneyGraph.Node> nodes, Map<String, String> paths) {
        for (String from : nodes.keySet()) {
            if (nodes.get(from).waits()) {
                continue;
            }
            // Depth-first over nodes that do not wait: reaching `from` again is a loop that never stops.
            Set<String> visited = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(nodes.get(from).edges());
            while (!todo.isEmpty()) {
                String id = todo.pop();
                if (id.equals(from)) {
                    errors.add(new Problem.Violation(paths.get(from), "is on a cycle without a wait node"));
                    break;
                }
                if (visited.add(id) && !nodes.get(id).waits()) {
                    nodes.get(id).edges().forEach(todo::push);
                }
            }
        }
    }

    // ---- values

    private Duration duration(Object value, String path) {
        if (!(value instanceof String text)) {
            errors.add(new Problem.Violation(path, value == null ? "is required" : "is not an ISO-8601 duration such as PT10M, P7D or P1DT12H"));
            return null;
        }
        try {
            Duration duration = Duration.parse(text);
            if (duration.isNegative() || duration.isZero()) {
                errors.add(new Problem.Violation(path, "must be longer than zero"));
                return null;
            }
            return duration;
        } catch (DateTimeParseException e) {
            errors.add(new Problem.Violation(path, "is not an ISO-8601 duration such as PT10M, P7D or P1DT12H"));
            return null;
        }
    }

    private LocalTime time(Object value, String path, boolean required) {
        if (value == null) {
            if (required) {
                errors.add(new Problem.Violation(path, "is required: a local time such as 09:00"));
            }
            return null;
        }
        try {
            return LocalTime.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            errors.add(new Problem.Violation(path, "is not a local time such as 09:00"));
            return null;
        }
    }

    private Set<DayOfWeek> days(Object value, String path) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            errors.add(new Problem.Violation(path, "must be a non-empty list of weekdays such as [\"MON\", \"THU\"]"));
            return Set.of();
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (int i = 0; i < list.size(); i++) {
            DayOfWeek day = day(String.valueOf(list.get(i)));
            if (day == null) {
                errors.add(new Problem.Violation(path + "[" + i + "]", "is not a weekday (MON, TUE, WED, THU, FRI, SAT, SUN)"));
            } else {
                days.add(day);
            }
        }
        return Set.copyOf(days);
    }

    private static DayOfWeek day(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().equals(upper) || d.name().startsWith(upper) && upper.length() == 3) {
                return d;
            }
        }
        return null;
    }

    private ZoneId zone(Object value, String path) {
        if (value == null) {
            return null;
        }
        try {
            return ZoneId.of(String.valueOf(value));
        } catch (DateTimeException e) {
            errors.add(new Problem.Violation(path, "is not an IANA time zone such as Europe/Helsinki"));
            return null;
        }
    }

    private boolean bool(Map<String, Object> map, String key, String path) {
        Object value = map.get(key);
        if (value != null && !(value instanceof Boolean)) {
            errors.add(new Problem.Violation(path, "must be true or false"));
        }
        return Boolean.TRUE.equals(value);
    }

    private void known(Map<String, Object> map, String prefix, Set<String> fields) {
        map.keySet().stream().filter(k -> !fields.contains(k)).sorted()
                .forEach(k -> errors.add(new Problem.Violation(prefix + k, "is not a field here (" + String.join(", ",
                        fields.stream().sorted().toList()) + ")")));
    }

    private String text(Map<String, Object> map, String key, String path, boolean required) {
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
