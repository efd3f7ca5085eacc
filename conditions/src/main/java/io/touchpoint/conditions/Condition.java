package io.touchpoint.conditions;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed segment rule. The API keeps the JSON the marketer wrote; this typed tree exists so the
 * evaluator never meets a malformed node: {@link ConditionParser} is the only way to build one.
 */
public sealed interface Condition {

    /**
     * Whether the answer can change with time alone (a window or date operator), so the segment needs
     * re-evaluating as the clock moves, not only when the profile changes.
     */
    static boolean timeDependent(Condition c) {
        if (c instanceof All a) {
            return a.conditions().stream().anyMatch(Condition::timeDependent);
        }
        if (c instanceof Any a) {
            return a.conditions().stream().anyMatch(Condition::timeDependent);
        }
        if (c instanceof Not n) {
            return timeDependent(n.condition());
        }
        if (c instanceof Event e) {
            // A between window has fixed ends: the events inside it are the same at any later time.
            return e.withinLastDays() != null || e.notPerformedForDays() != null;
        }
        if (c instanceof Attribute a) {
            if (a.computed() && ClockedAttributes.clocked(a.name())) {
                return true;
            }
            return switch (a.operator()) {
                case WITHIN_LAST_DAYS, MORE_THAN_DAYS_AGO, IN_NEXT_DAYS, ANNIVERSARY_WITHIN_DAYS -> true;
                default -> false;
            };
        }
        return false;
    }

    record All(List<Condition> conditions) implements Condition {
    }

    record Any(List<Condition> conditions) implements Condition {
    }

    record Not(Condition condition) implements Condition {
    }

    /**
     * A property of the payload that entered a journey instance (the trigger's properties, an API
     * entry's payload) compared with an operator; only journeys have one, so segments refuse it.
     */
    record EntryProperty(String name, Operator operator, Object value) implements Condition {
        Attribute asAttribute() {
            return new Attribute(false, name, operator, value);
        }
    }

    /**
     * A part of the visit a content request describes ({@code channel}, {@code source}, {@code term},
     * ...: see {@link ConditionParser#VISIT_PARTS}) compared with an operator; only content rules have
     * one, so segments and journeys refuse it.
     */
    record Visit(String name, Operator operator, Object value) implements Condition {
        Attribute asAttribute() {
            return new Attribute(false, name, operator, value);
        }
    }

    /**
     * In an event's {@code where}, {@code {"entry": "orderId"}}: the value the instance entered with,
     * so a wait for "Order Cancelled" matches only its own order.
     */
    record EntryRef(String name) {
    }

    /** A trait ({@code computed == false}) or computed attribute compared with an operator. */
    record Attribute(boolean computed, String name, Operator operator, Object value) implements Condition {
    }

    /**
     * An event performed {@code count} times (default at least once) in a window; or, with
     * {@code notPerformedForDays}, not performed in the last that many days.
     */
    record Event(String event, Map<String, Object> where, CountOperator countOperator, long count,
            Integer withinLastDays, Instant from, Instant to, Integer notPerformedForDays) implements Condition {
    }

    record Consent(String channel, String topic) implements Condition {
    }

    record InSegment(String segmentId) implements Condition {
    }

    record RandomBucket(String salt, double percent) implements Condition {
    }

    /**
     * Of {@code segments}, the one the profile was in most recently (a current membership is the
     * most recent) is one of {@code in}. This is how a stage remembers where a profile came from
     * without a second copy of the history: membership_history is the record.
     */
    record CameFrom(List<String> segments, List<String> in) implements Condition {
    }

    enum Operator {
        EQUALS, NOT_EQUALS, IN, CONTAINS, STARTS_WITH, EXISTS, GT, GTE, LT, LTE, BETWEEN, WITHIN_LAST_DAYS,
        MORE_THAN_DAYS_AGO, IN_NEXT_DAYS, ANNIVERSARY_WITHIN_DAYS;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum CountOperator {
        AT_LEAST, AT_MOST, EXACTLY
    }
}
