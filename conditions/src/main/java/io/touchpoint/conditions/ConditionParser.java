package io.touchpoint.conditions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.touchpoint.contracts.Problem;
import io.touchpoint.conditions.Condition.CountOperator;
import io.touchpoint.conditions.Condition.Operator;

/**
 * Turns the JSON condition (plain maps and lists as Jackson reads them) into a {@link Condition},
 * collecting every violation with the JSON path of the bad node so the marketer can fix all of them
 * in one round trip. Pure: no I/O, so whether referenced segments exist is the caller's check.
 */
public final class ConditionParser {

    /** Event windows reach back at most this far; the event log keeps no more. */
    public static final int MAX_WINDOW_DAYS = 400;
    public static final int MAX_DEPTH = 32;
    /** The parts of a touch, each computed twice: {@code firstTouch<Part>} and {@code latestTouch<Part>}. */
    public static final List<String> TOUCH_PARTS = List.of("At", "Channel", "Source", "Medium", "Campaign", "Term",
            "Content", "Referrer", "Page");
    /**
     * The computed attributes profile-service publishes, among them each profile's first and latest
     * touch: {@code firstTouchChannel}, {@code latestTouchTerm}, ... (see {@link #TOUCH_PARTS}).
     */
    public static final Set<String> COMPUTED = computed();
    private static final List<String> KINDS = List.of("all", "any", "not", "trait", "computed", "event", "consent",
            "inSegment", "randomBucket", "cameFrom");
    private static final String OPERATORS = Arrays.stream(Operator.values()).map(Operator::jsonName)
            .collect(Collectors.joining(", "));

    private static Set<String> computed() {
        Set<String> names = new java.util.HashSet<>(Set.of("eventCount", "orderCount", "revenue", "lifetimeValue",
                "trailing12MonthValue", "tenureDays", "bonusPoints", "registeredAt", "lastPurchaseAt", "firstPurchaseAt",
                "returnCount"));
        for (String group : List.of("firstTouch", "latestTouch")) {
            for (String part : TOUCH_PARTS) {
                names.add(group + part);
            }
        }
        return Set.copyOf(names);
    }

    /** The outcome: a condition when {@code violations} is empty. */
    public record Result(Condition condition, List<Problem.Violation> violations, Map<String, String> referencePaths) {
        /** Segment ids the condition reads through inSegment. */
        public Set<String> referencedSegments() {
            return referencePaths.keySet();
        }

        public boolean valid() {
            return violations.isEmpty();
        }
    }

    /** The parts of a visit a content rule can test: {@code {"visit": "channel", ...}}. */
    public static final List<String> VISIT_PARTS = List.of("channel", "source", "medium", "campaign", "term", "content",
            "referrer", "page");

    /** Who asks: what a condition may read differs. */
    private enum Dialect {
        /** About the profile alone. */
        SEGMENT,
        /** Also the payload a journey instance entered with. */
        JOURNEY,
        /** Also the visit a content request describes; no event log or membership history to read. */
        CONTENT
    }

    private final List<Problem.Violation> violations = new ArrayList<>();
    private final Map<String, String> referenced = new LinkedHashMap<>();
    private final Dialect dialect;
    private final boolean entryAllowed;

    private ConditionParser(Dialect dialect) {
        this.dialect = dialect;
        this.entryAllowed = dialect == Dialect.JOURNEY;
    }

    /** A segment's condition: about the profile alone. */
    public static Result parse(Object json, String path) {
        return parse(json, path, Dialect.SEGMENT);
    }

    /**
     * A content variant's rule (channel-gateway's on-site content): about the profile as the
     * gateway holds it (traits, computed attributes, consent, current segment memberships) and the
     * visit the request describes: {@code {"visit": "term", "operator": "contains", "value": "jackpot"}}.
     * Events and {@code cameFrom} are refused: the gateway keeps no event log or membership history
     * (a segment that tests them can be tested with inSegment instead).
     */
    public static Result parseForContent(Object json, String path) {
        return parse(json, path, Dialect.CONTENT);
    }

    /**
     * A journey's condition, which may also read the payload its instance entered with: an
     * {@code {"entry": "orderId", "operator": ..., "value": ...}} node, and {@code {"entry": "orderId"}}
     * as a value in an event's {@code where}.
     */
    public static Result parseWithEntry(Object json, String path) {
        return parse(json, path, Dialect.JOURNEY);
    }

    private static Result parse(Object json, String path, Dialect dialect) {
        ConditionParser parser = new ConditionParser(dialect);
        Condition condition = parser.node(json, path, 0);
        return new Result(parser.violations.isEmpty() ? condition : null, List.copyOf(parser.violations),
                Map.copyOf(parser.referenced));
    }

    private Condition node(Object json, String path, int depth) {
        if (json == null) {
            return fail(path, "is required");
        }
        if (!(json instanceof Map<?, ?> map)) {
            return fail(path, "must be an object");
        }
        if (depth > MAX_DEPTH) {
            return fail(path, "nests deeper than " + MAX_DEPTH + " levels");
        }
        List<String> kinds = KINDS.stream().filter(map::containsKey).toList();
        if (entryAllowed && map.containsKey("entry")) {
            kinds = new ArrayList<>(kinds);
            kinds.add("entry");
        }
        if (dialect == Dialect.CONTENT && map.containsKey("visit")) {
            kinds = new ArrayList<>(kinds);
            kinds.add("visit");
        }
        if (kinds.size() != 1) {
            return fail(path, kinds.isEmpty() ? "must have exactly one of " + String.join(", ", KINDS)
                    : "has more than one kind of condition: " + String.join(", ", kinds));
        }
        String kind = kinds.get(0);
        if (dialect == Dialect.CONTENT && (kind.equals("event") || kind.equals("cameFrom"))) {
            return fail(path + "." + kind, "is not available in content rules: the gateway keeps no event log or membership "
                    + "history; test a segment that holds it with inSegment");
        }
        return switch (kind) {
            case "all", "any" -> group(kind, map.get(kind), path + "." + kind, depth);
            case "not" -> {
                Condition inner = node(map.get("not"), path + ".not", depth + 1);
                yield inner == null ? null : new Condition.Not(inner);
            }
            case "trait", "computed", "entry", "visit" -> attribute(kind, map, path);
            case "event" -> event(map, path);
            case "consent" -> consent(map.get("consent"), path + ".consent");
            case "inSegment" -> {
                Object id = map.get("inSegment");
                if (!(id instanceof String s) || s.isBlank()) {
                    yield fail(path + ".inSegment", "must be a segment id");
                }
                referenced.putIfAbsent(s, path + ".inSegment");
                yield new Condition.InSegment(s);
            }
            case "cameFrom" -> cameFrom(map.get("cameFrom"), path + ".cameFrom");
            default -> randomBucket(map.get("randomBucket"), path + ".randomBucket");
        };
    }

    private Condition group(String kind, Object children, String path, int depth) {
        if (!(children instanceof List<?> list) || list.isEmpty()) {
            return fail(path, "must be a non-empty array of conditions");
        }
        List<Condition> parsed = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            parsed.add(node(list.get(i), path + "[" + i + "]", depth + 1));
        }
        return kind.equals("all") ? new Condition.All(parsed) : new Condition.Any(parsed);
    }

    private Condition attribute(String kind, Map<?, ?> map, String path) {
        Object name = map.get(kind);
        boolean ok = true;
        if (!(name instanceof String s) || s.isBlank()) {
            ok = failed(path + "." + kind, "must be a non-empty name");
        } else if (kind.equals("computed") && !COMPUTED.contains(s)) {
            ok = failed(path + ".computed", "is not a computed attribute; known: " + String.join(", ",
                    COMPUTED.stream().sorted().toList()));
        } else if (kind.equals("visit") && !VISIT_PARTS.contains(s)) {
            ok = failed(path + ".visit", "is not a part of a visit; known: " + String.join(", ", VISIT_PARTS));
        }
        Object op = map.get("operator");
        Operator operator = null;
        if (!(op instanceof String o)) {
            ok = failed(path + ".operator", "is required: one of " + OPERATORS);
        } else {
            try {
                operator = Operator.valueOf(o.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                ok = failed(path + ".operator", "'" + o + "' is not one of " + OPERATORS);
            }
        }
        Object value = map.get("value");
        if (operator != null) {
            String why = checkValue(operator, value);
            if (why != null) {
                ok = failed(path + ".value", why);
            }
        }
        if (!ok) {
            return null;
        }
        return switch (kind) {
            case "entry" -> new Condition.EntryProperty((String) name, operator, value);
            case "visit" -> new Condition.Visit((String) name, operator, value);
            default -> new Condition.Attribute(kind.equals("computed"), (String) name, operator, value);
        };
    }

    /** Why {@code value} cannot go with {@code operator}, or null when it can. */
    private static String checkValue(Operator operator, Object value) {
        return switch (operator) {
            case EQUALS, NOT_EQUALS -> scalar(value) ? null : "must be a string, number or boolean";
            case IN -> value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(ConditionParser::scalar) ? null
                    : "must be a non-empty array of strings, numbers or booleans";
            case CONTAINS -> scalar(value) ? null : "must be a string, number or boolean";
            case STARTS_WITH -> value instanceof String ? null : "must be a string";
            case EXISTS -> value == null || value instanceof Boolean ? null : "must be true, false or absent";
            case GT, GTE, LT, LTE -> comparable(value) ? null : "must be a number or an ISO-8601 date";
            case BETWEEN -> value instanceof List<?> l && l.size() == 2 && comparable(l.get(0)) && comparable(l.get(1))
                    && (l.get(0) instanceof Number) == (l.get(1) instanceof Number)
                            ? null : "must be an array of two numbers or two ISO-8601 dates";
            case WITHIN_LAST_DAYS, MORE_THAN_DAYS_AGO, IN_NEXT_DAYS, ANNIVERSARY_WITHIN_DAYS ->
                days(value, 36_600) ? null : "must be a whole number of days from 0 to 36600";
        };
    }

    private Condition event(Map<?, ?> map, String path) {
        boolean ok = true;
        Object name = map.get("event");
        if (!(name instanceof String s) || s.isBlank()) {
            ok = failed(path + ".event", "must be a non-empty event name");
        }
        Map<String, Object> where = new LinkedHashMap<>();
        Object w = map.get("where");
        if (w != null) {
            if (!(w instanceof Map<?, ?> wm)) {
                ok = failed(path + ".where", "must be an object of property names to values");
            } else {
                for (var e : wm.entrySet()) {
                    if (entryAllowed && e.getValue() instanceof Map<?, ?> ref && ref.size() == 1
                            && ref.get("entry") instanceof String property && !property.isBlank()) {
                        where.put(String.valueOf(e.getKey()), new Condition.EntryRef(property));
                    } else if (!scalar(e.getValue())) {
                        ok = failed(path + ".where." + e.getKey(), "must be a string, number or boolean");
                    } else {
                        where.put(String.valueOf(e.getKey()), e.getValue());
                    }
                }
            }
        }
        Object notFor = map.get("notPerformedForDays");
        if (notFor != null) {
            if (!days(notFor, MAX_WINDOW_DAYS) || ((Number) notFor).intValue() == 0) {
                ok = failed(path + ".notPerformedForDays", "must be a whole number of days from 1 to " + MAX_WINDOW_DAYS);
            }
            for (String other : List.of("count", "withinLastDays", "between")) {
                if (map.containsKey(other)) {
                    ok = failed(path + "." + other, "cannot be combined with notPerformedForDays");
                }
            }
            return ok ? new Condition.Event((String) name, where, CountOperator.AT_LEAST, 1, null, null, null,
                    ((Number) notFor).intValue()) : null;
        }
        CountOperator countOperator = CountOperator.AT_LEAST;
        long count = 1;
        Object c = map.get("count");
        if (c != null) {
            if (!(c instanceof Map<?, ?> cm)) {
                ok = failed(path + ".count", "must be an object with operator and value");
            } else {
                Object op = cm.get("operator");
                try {
                    countOperator = CountOperator.valueOf(String.valueOf(op).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    ok = failed(path + ".count.operator", "must be one of at_least, at_most, exactly");
                }
                if (!days(cm.get("value"), Integer.MAX_VALUE)) {
                    ok = failed(path + ".count.value", "must be a whole number from 0");
                } else {
                    count = ((Number) cm.get("value")).longValue();
                }
            }
        }
        Integer within = null;
        Object wl = map.get("withinLastDays");
        if (wl != null) {
            if (!days(wl, MAX_WINDOW_DAYS) || ((Number) wl).intValue() == 0) {
                ok = failed(path + ".withinLastDays", "must be a whole number of days from 1 to " + MAX_WINDOW_DAYS);
            } else {
                within = ((Number) wl).intValue();
            }
        }
        Instant from = null;
        Instant to = null;
        Object b = map.get("between");
        if (b != null) {
            if (wl != null) {
                ok = failed(path + ".between", "cannot be combined with withinLastDays");
            }
            if (!(b instanceof Map<?, ?> bm)) {
                ok = failed(path + ".between", "must be an object with from and to");
            } else {
                from = Values.instant(bm.get("from"));
                to = Values.instant(bm.get("to"));
                if (from == null) {
                    ok = failed(path + ".between.from", "must be an ISO-8601 date or instant");
                }
                if (to == null) {
                    ok = failed(path + ".between.to", "must be an ISO-8601 date or instant");
                }
                if (from != null && to != null && from.isAfter(to)) {
                    ok = failed(path + ".between", "from must not be after to");
                }
            }
        }
        return ok ? new Condition.Event((String) name, where, countOperator, count, within, from, to, null) : null;
    }

    private Condition consent(Object json, String path) {
        if (!(json instanceof Map<?, ?> map)) {
            return fail(path, "must be an object with channel and topic");
        }
        boolean ok = true;
        if (!(map.get("channel") instanceof String ch) || ch.isBlank()) {
            ok = failed(path + ".channel", "must be a channel name, e.g. email");
        }
        Object topic = map.get("topic");
        if (topic != null && !(topic instanceof String t && !t.isBlank())) {
            ok = failed(path + ".topic", "must be a topic name or \"*\"");
        }
        return ok ? new Condition.Consent((String) map.get("channel"), topic == null ? "*" : (String) topic) : null;
    }

    private Condition cameFrom(Object json, String path) {
        if (!(json instanceof Map<?, ?> map)) {
            return fail(path, "must be an object with segments and in");
        }
        List<String> segments = ids(map.get("segments"), path + ".segments");
        List<String> in = ids(map.get("in"), path + ".in");
        if (segments == null || in == null) {
            return null;
        }
        for (int i = 0; i < in.size(); i++) {
            if (!segments.contains(in.get(i))) {
                return fail(path + ".in[" + i + "]", "must be one of the segments listed in segments");
            }
        }
        for (int i = 0; i < segments.size(); i++) {
            referenced.putIfAbsent(segments.get(i), path + ".segments[" + i + "]");
        }
        return new Condition.CameFrom(segments, in);
    }

    private List<String> ids(Object json, String path) {
        if (!(json instanceof List<?> list) || list.isEmpty()
                || !list.stream().allMatch(v -> v instanceof String s && !s.isBlank())) {
            violations.add(new Problem.Violation(path, "must be a non-empty array of segment ids"));
            return null;
        }
        return list.stream().map(String.class::cast).distinct().toList();
    }

    private Condition randomBucket(Object json, String path) {
        if (!(json instanceof Map<?, ?> map)) {
            return fail(path, "must be an object with salt and percent");
        }
        boolean ok = true;
        if (!(map.get("salt") instanceof String s) || s.isBlank()) {
            ok = failed(path + ".salt", "must be a non-empty string");
        }
        if (!(map.get("percent") instanceof Number p) || p.doubleValue() < 0 || p.doubleValue() > 100) {
            ok = failed(path + ".percent", "must be a number from 0 to 100");
        }
        return ok ? new Condition.RandomBucket((String) map.get("salt"), ((Number) map.get("percent")).doubleValue())
                : null;
    }

    private static boolean scalar(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    private static boolean comparable(Object value) {
        return value instanceof Number || (value instanceof String s && Values.instant(s) != null);
    }

    private static boolean days(Object value, int max) {
        return (value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0
                && ((Number) value).longValue() <= max;
    }

    private Condition fail(String path, String message) {
        violations.add(new Problem.Violation(path, message));
        return null;
    }

    private boolean failed(String path, String message) {
        violations.add(new Problem.Violation(path, message));
        return false;
    }
}
