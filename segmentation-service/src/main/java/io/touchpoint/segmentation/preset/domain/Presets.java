package io.touchpoint.segmentation.preset.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.contracts.Problem;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.segmentation.segment.domain.SegmentService.Definition;
import io.touchpoint.segmentation.segment.domain.SegmentService.Fixed;

/**
 * The reference scenario's models as ordinary segments in the condition language, so each is
 * explainable and flips on the clock like any other segment. Pure: settings in, definitions out,
 * with fixed ids so installing again finds and updates the same segments.
 */
public final class Presets {

    public static final List<String> NAMES = List.of("lifecycle", "rfm", "margin-groups");

    /** The lifecycle stages; exactly one of them holds for every known profile. */
    public static final List<String> STAGES = List.of("suspect", "prospect", "new-customer", "active-random",
            "active-active", "active-top", "becoming-passive-from-new", "becoming-passive-from-random",
            "becoming-passive-from-active", "becoming-passive-from-top", "passive-from-new", "passive-from-random",
            "passive-from-active");

    private Presets() {
    }

    /** The definitions for a preset, in install order (a segment only reads those before it), and the settings used. */
    public record Built(List<Fixed> segments, Map<String, Object> settings) {
    }

    public static Built build(String preset, Map<String, Object> body) {
        Settings s = new Settings(body == null ? Map.of() : body);
        Built built = switch (preset) {
            case "lifecycle" -> lifecycle(s);
            case "rfm" -> rfm(s);
            case "margin-groups" -> marginGroups(s);
            default -> throw new IllegalArgumentException(preset);
        };
        s.rejectUnknown();
        if (!s.violations.isEmpty()) {
            throw new InvalidRequestException("The preset settings are not valid.", s.violations);
        }
        return built;
    }

    public static String id(String preset, String key) {
        return preset + "-" + key;
    }

    // ---- lifecycle (seed 000, section 8.3)

    static Built lifecycle(Settings s) {
        int newDays = s.integer("newCustomerDays", 60, 1, 36_600);
        int activityDays = s.integer("activityWindowDays", 30, 1, 400);
        int passiveDays = s.integer("passiveAfterDays", 183, 1, 400);
        int activeMin = s.integer("activeMinBets", 4, 2, 100_000);
        int topMin = s.integer("topMinBets", 12, 3, 100_000);
        String bet = s.string("betEvent", "Bet Placed");
        List<String> contact = s.strings("contactEvents", List.of("Page Viewed", "Screen Viewed", "Banner Clicked",
                "Email Opened", "Email Clicked", "Newsletter Subscribed", "Social Followed", "Registration Started",
                "Registration Abandoned", "Bet Placed"));
        if (passiveDays <= activityDays) {
            s.fail("passiveAfterDays", "must be more than activityWindowDays (" + activityDays + ")");
        }
        if (topMin <= activeMin) {
            s.fail("topMinBets", "must be more than activeMinBets (" + activeMin + ")");
        }
        Object notRegistered = not(computed("registeredAt", "exists", null));
        Object contacted = any(contact.stream().map(e -> (Object) Map.of("event", e)).toList());
        // Registered, and the new-customer period is over: the rest splits on betting alone.
        Object settled = all(computed("registeredAt", "exists", null),
                computed("registeredAt", "more_than_days_ago", newDays));
        Object betRecently = bets(bet, "at_least", 1, activityDays);
        Object betInPassiveWindow = bets(bet, "at_least", 1, passiveDays);
        List<String> origins = List.of(id("lifecycle", "new-customer"), id("lifecycle", "active-random"),
                id("lifecycle", "active-active"), id("lifecycle", "active-top"));
        Object becoming = all(settled, not(betRecently), betInPassiveWindow);
        Object passive = all(settled, not(betInPassiveWindow));

        List<Fixed> out = new ArrayList<>();
        String tag = "preset:lifecycle";
        out.add(stage("suspect", "known only from anonymous contact, never visited", all(notRegistered, not(contacted)), tag));
        out.add(stage("prospect", "had contact but has not registered", all(notRegistered, contacted), tag));
        out.add(stage("new-customer", "registered within the last " + newDays + " days",
                all(computed("registeredAt", "exists", null), not(computed("registeredAt", "more_than_days_ago", newDays))), tag));
        out.add(stage("active-random", "1 to " + (activeMin - 1) + " bets in the last " + activityDays + " days",
                all(settled, betRecently, bets(bet, "at_most", activeMin - 1, activityDays)), tag));
        out.add(stage("active-active", activeMin + " to " + (topMin - 1) + " bets in the last " + activityDays + " days",
                all(settled, bets(bet, "at_least", activeMin, activityDays), bets(bet, "at_most", topMin - 1, activityDays)), tag));
        out.add(stage("active-top", topMin + " or more bets in the last " + activityDays + " days",
                all(settled, bets(bet, "at_least", topMin, activityDays)), tag));
        // Where a profile came from is the origin stage it was in last; without one on record (it
        // was already past them when the preset was installed) it counts as coming from new.
        String bp = "no bet in the last " + activityDays + " days but one in the last " + passiveDays + " days, ";
        out.add(stage("becoming-passive-from-new", bp + "came from new customer",
                all(becoming, not(cameFrom(origins, origins.subList(1, 4)))), tag));
        out.add(stage("becoming-passive-from-random", bp + "came from active random",
                all(becoming, cameFrom(origins, List.of(origins.get(1)))), tag));
        out.add(stage("becoming-passive-from-active", bp + "came from active",
                all(becoming, cameFrom(origins, List.of(origins.get(2)))), tag));
        out.add(stage("becoming-passive-from-top", bp + "came from top",
                all(becoming, cameFrom(origins, List.of(origins.get(3)))), tag));
        String pv = "no bet in the last " + passiveDays + " days, ";
        out.add(stage("passive-from-new", pv + "came from new customer",
                all(passive, not(cameFrom(origins, origins.subList(1, 4)))), tag));
        out.add(stage("passive-from-random", pv + "came from active random",
                all(passive, cameFrom(origins, List.of(origins.get(1)))), tag));
        // The scenario has no passive-from-top split: top customers who lapse join the active ones.
        out.add(stage("passive-from-active", pv + "came from active or top",
                all(passive, cameFrom(origins, origins.subList(2, 4))), tag));
        out.add(group("active-customer", "any active stage", List.of("active-random", "active-active", "active-top")));
        out.add(group("becoming-passive", "any becoming-passive stage", List.of("becoming-passive-from-new",
                "becoming-passive-from-random", "becoming-passive-from-active", "becoming-passive-from-top")));
        out.add(group("passive", "any passive stage", List.of("passive-from-new", "passive-from-random", "passive-from-active")));
        return new Built(out, s.used);
    }

    private static Fixed stage(String key, String description, Object condition, String tag) {
        return fixed("lifecycle", key, "Lifecycle: " + key.replace('-', ' '), description, condition, List.of(tag, "stage"));
    }

    private static Fixed group(String key, String description, List<String> stages) {
        return fixed("lifecycle", key, "Lifecycle: " + key.replace('-', ' '), description,
                any(stages.stream().map(k -> (Object) Map.of("inSegment", id("lifecycle", k))).toList()),
                List.of("preset:lifecycle", "stage-group"));
    }

    // ---- RFM (seed 000, section 8.3: the second, independent dimension)

    static Built rfm(Settings s) {
        String event = s.string("event", "Bet Placed");
        List<Number> recency = s.ascending("recencyDays", List.of(7, 30, 90, 180), 4, true, 400);
        int frequencyWindow = s.integer("frequencyWindowDays", 365, 1, 400);
        List<Number> frequency = s.ascending("frequencyCounts", List.of(2, 4, 8, 16), 4, true, Integer.MAX_VALUE);
        String monetary = s.computedName("monetaryAttribute", "trailing12MonthValue");
        List<Number> money = s.ascending("monetaryValues", List.of(50, 200, 500, 1000), 4, false, Double.MAX_VALUE);
        List<Fixed> out = new ArrayList<>();
        if (recency != null) {
            for (int score = 5; score >= 1; score--) {
                // score 5: an event within the shortest window; score 1: none within the longest.
                int i = 5 - score;
                List<Object> parts = new ArrayList<>();
                if (i < 4) {
                    parts.add(Map.of("event", event, "withinLastDays", recency.get(i).intValue()));
                }
                if (i > 0) {
                    parts.add(not(Map.of("event", event, "withinLastDays", recency.get(i - 1).intValue())));
                }
                out.add(fixed("rfm", "r" + score, "RFM recency " + score, "last " + event
                        + (i == 0 ? " within " + recency.get(0) + " days"
                                : i == 4 ? " more than " + recency.get(3) + " days ago, or never"
                                        : " within " + recency.get(i) + " days but not " + recency.get(i - 1)),
                        parts.size() == 1 ? parts.get(0) : all(parts.toArray()), List.of("preset:rfm", "recency")));
            }
        }
        if (frequency != null) {
            for (int score = 1; score <= 5; score++) {
                List<Object> parts = new ArrayList<>();
                if (score > 1) {
                    parts.add(bets(event, "at_least", frequency.get(score - 2).intValue(), frequencyWindow));
                }
                if (score < 5) {
                    parts.add(bets(event, "at_most", frequency.get(score - 1).intValue() - 1, frequencyWindow));
                }
                out.add(fixed("rfm", "f" + score, "RFM frequency " + score, event + " count in the last "
                        + frequencyWindow + " days, band " + score, parts.size() == 1 ? parts.get(0) : all(parts.toArray()),
                        List.of("preset:rfm", "frequency")));
            }
        }
        if (money != null) {
            out.addAll(bands("rfm", "m", "RFM monetary ", monetary, money, List.of("preset:rfm", "monetary")));
        }
        return new Built(out, s.used);
    }

    // ---- margin groups (seed 004, section 4)

    static Built marginGroups(Settings s) {
        List<Number> lifetime = s.ascending("lifetimeValues", List.of(100, 250, 500, 1000, 2500, 5000), 6, false,
                Double.MAX_VALUE);
        List<Number> trailing = s.ascending("trailing12MonthValues", List.of(50, 100, 250, 500, 1000, 2500), 6, false,
                Double.MAX_VALUE);
        List<Fixed> out = new ArrayList<>();
        if (lifetime != null) {
            out.addAll(bands("margin", "lifetime-", "Margin group lifetime value ", "lifetimeValue", lifetime,
                    List.of("preset:margin-groups", "lifetime")));
        }
        if (trailing != null) {
            out.addAll(bands("margin", "trailing-12-months-", "Margin group trailing 12-month value ", "trailing12MonthValue",
                    trailing, List.of("preset:margin-groups", "trailing-12-months")));
        }
        return new Built(out, s.used);
    }

    /** thresholds.size() + 1 bands of a computed value, band 1 below the first threshold (or missing). */
    private static List<Fixed> bands(String preset, String keyPrefix, String namePrefix, String attribute,
            List<Number> thresholds, List<String> tags) {
        List<Fixed> out = new ArrayList<>();
        int n = thresholds.size() + 1;
        for (int band = 1; band <= n; band++) {
            List<Object> parts = new ArrayList<>();
            if (band > 1) {
                parts.add(computed(attribute, "gte", thresholds.get(band - 2)));
            }
            if (band < n) {
                parts.add(not(computed(attribute, "gte", thresholds.get(band - 1))));
            }
            String description = attribute + (band == 1 ? " below " + thresholds.get(0) + " or unknown"
                    : band == n ? " from " + thresholds.get(n - 2)
                            : " from " + thresholds.get(band - 2) + " to below " + thresholds.get(band - 1));
            out.add(fixed(preset, keyPrefix + band, namePrefix + band, description,
                    parts.size() == 1 ? parts.get(0) : all(parts.toArray()), tags));
        }
        return out;
    }

    // ---- condition builders

    private static Fixed fixed(String preset, String key, String name, String description, Object condition, List<String> tags) {
        return new Fixed(id(preset, key), new Definition(name, description, tags, "active", condition));
    }

    private static Object all(Object... conditions) {
        return Map.of("all", List.of(conditions));
    }

    private static Object any(List<Object> conditions) {
        return Map.of("any", conditions);
    }

    private static Object not(Object condition) {
        return Map.of("not", condition);
    }

    private static Object computed(String name, String operator, Object value) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("computed", name);
        c.put("operator", operator);
        if (value != null) {
            c.put("value", value);
        }
        return c;
    }

    private static Object bets(String event, String operator, int count, int days) {
        return Map.of("event", event, "count", Map.of("operator", operator, "value", count), "withinLastDays", days);
    }

    private static Object cameFrom(List<String> segments, List<String> in) {
        return Map.of("cameFrom", Map.of("segments", segments, "in", in));
    }

    /** Reads the request's settings, with defaults, collecting every problem. */
    static final class Settings {
        private final Map<String, Object> body;
        final Map<String, Object> used = new LinkedHashMap<>();
        final List<Problem.Violation> violations = new ArrayList<>();

        Settings(Map<String, Object> body) {
            this.body = body;
        }

        void fail(String field, String message) {
            violations.add(new Problem.Violation(field, message));
        }

        void rejectUnknown() {
            body.keySet().stream().filter(k -> !used.containsKey(k)).sorted()
                    .forEach(k -> fail(k, "is not a setting of this preset; known: " + String.join(", ", used.keySet())));
        }

        int integer(String name, int dflt, int min, int max) {
            Object v = body.getOrDefault(name, dflt);
            used.put(name, v);
            if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
                fail(name, "must be a whole number from " + min + " to " + max);
                return dflt;
            }
            return ((Number) v).intValue();
        }

        String string(String name, String dflt) {
            Object v = body.getOrDefault(name, dflt);
            used.put(name, v);
            if (!(v instanceof String str) || str.isBlank()) {
                fail(name, "must be a non-empty string");
                return dflt;
            }
            return str;
        }

        String computedName(String name, String dflt) {
            String v = string(name, dflt);
            if (!io.touchpoint.conditions.ConditionParser.COMPUTED.contains(v)) {
                fail(name, "is not a computed attribute");
            }
            return v;
        }

        List<String> strings(String name, List<String> dflt) {
            Object v = body.getOrDefault(name, dflt);
            used.put(name, v);
            if (!(v instanceof List<?> l) || l.isEmpty() || !l.stream().allMatch(x -> x instanceof String str && !str.isBlank())) {
                fail(name, "must be a non-empty array of event names");
                return dflt;
            }
            return l.stream().map(String.class::cast).toList();
        }

        /** {@code size} strictly ascending numbers (whole days or counts when {@code whole}), or null when invalid. */
        List<Number> ascending(String name, List<Number> dflt, int size, boolean whole, double max) {
            Object v = body.getOrDefault(name, dflt);
            used.put(name, v);
            String why = "must be " + size + " strictly ascending " + (whole ? "whole numbers from 1" : "numbers")
                    + (max < Double.MAX_VALUE ? " to " + (long) max : "");
            if (!(v instanceof List<?> l) || l.size() != size || !l.stream().allMatch(x -> x instanceof Number)) {
                fail(name, why);
                return null;
            }
            List<Number> nums = l.stream().map(Number.class::cast).toList();
            for (int i = 0; i < nums.size(); i++) {
                Number x = nums.get(i);
                boolean bad = whole && (!(x instanceof Integer || x instanceof Long) || x.longValue() < 1)
                        || x.doubleValue() > max || (i > 0 && x.doubleValue() <= nums.get(i - 1).doubleValue());
                if (bad) {
                    fail(name + "[" + i + "]", why);
                    return null;
                }
            }
            return nums;
        }
    }
}
