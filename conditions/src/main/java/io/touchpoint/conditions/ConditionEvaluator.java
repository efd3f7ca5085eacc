package io.touchpoint.conditions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.conditions.Condition.Operator;

/**
 * Decides membership from what segmentation holds about one profile. Pure and deterministic
 * (the caller passes {@code now}), so the same inputs always give the same answer, in the stream,
 * in a bulk pass and in tests.
 */
public final class ConditionEvaluator {

    /**
     * What is known about a profile: its latest snapshot, its event log, its current memberships and,
     * per segment it has left, when it last left it.
     */
    public record Facts(String profileId, Map<String, Object> traits, Map<String, Object> computed,
            List<ConsentState> consents, List<LoggedEvent> events, Set<String> memberships, Map<String, Instant> lastLeft,
            Map<String, Object> entry, Map<String, Object> visit) {

        public Facts(String profileId, Map<String, Object> traits, Map<String, Object> computed,
                List<ConsentState> consents, List<LoggedEvent> events, Set<String> memberships, Map<String, Instant> lastLeft,
                Map<String, Object> entry) {
            this(profileId, traits, computed, consents, events, memberships, lastLeft, entry, Map.of());
        }

        public Facts(String profileId, Map<String, Object> traits, Map<String, Object> computed,
                List<ConsentState> consents, List<LoggedEvent> events, Set<String> memberships) {
            this(profileId, traits, computed, consents, events, memberships, new HashMap<>());
        }

        public Facts(String profileId, Map<String, Object> traits, Map<String, Object> computed,
                List<ConsentState> consents, List<LoggedEvent> events, Set<String> memberships, Map<String, Instant> lastLeft) {
            this(profileId, traits, computed, consents, events, memberships, lastLeft, Map.of());
        }

        /** The same facts read by a journey instance that entered with {@code payload}. */
        public Facts withEntry(Map<String, Object> payload) {
            return new Facts(profileId, traits, computed, consents, events, memberships, lastLeft,
                    payload == null ? Map.of() : payload, visit);
        }

        /** The same facts read by a content rule for a visit ({@code channel}, {@code term}, ...). */
        public Facts withVisit(Map<String, Object> parts) {
            return new Facts(profileId, traits, computed, consents, events, memberships, lastLeft, entry,
                    parts == null ? Map.of() : parts);
        }
    }

    public record LoggedEvent(String event, Instant occurredAt, Map<String, Object> properties) {
    }

    private ConditionEvaluator() {
    }

    public static boolean matches(Condition condition, Facts facts, Instant now) {
        if (condition instanceof Condition.All all) {
            return all.conditions().stream().allMatch(c -> matches(c, facts, now));
        }
        if (condition instanceof Condition.Any any) {
            return any.conditions().stream().anyMatch(c -> matches(c, facts, now));
        }
        if (condition instanceof Condition.Not not) {
            return !matches(not.condition(), facts, now);
        }
        if (condition instanceof Condition.Attribute a) {
            return attribute(a, a.computed() ? facts.computed() : facts.traits(), now);
        }
        if (condition instanceof Condition.EntryProperty p) {
            return attribute(p.asAttribute(), facts.entry() == null ? Map.of() : facts.entry(), now);
        }
        if (condition instanceof Condition.Visit v) {
            return attribute(v.asAttribute(), facts.visit() == null ? Map.of() : facts.visit(), now);
        }
        if (condition instanceof Condition.Event e) {
            return event(bound(e, facts), facts.events(), now);
        }
        if (condition instanceof Condition.Consent c) {
            return consent(c, facts.consents());
        }
        if (condition instanceof Condition.InSegment s) {
            return facts.memberships().contains(s.segmentId());
        }
        if (condition instanceof Condition.RandomBucket r) {
            return bucket(r.salt(), facts.profileId()) < r.percent() * 100;
        }
        if (condition instanceof Condition.CameFrom c) {
            String from = cameFrom(c, facts);
            return from != null && c.in().contains(from);
        }
        throw new IllegalArgumentException("unknown condition " + condition);
    }

    /** One node of an explanation: what was asked, whether it held, and the value seen. */
    public record Trace(String condition, boolean held, Object seen, List<Trace> children) {
    }

    /** Why a profile is in or out: {@link #matches} node by node, with what each leaf saw. */
    public static Trace explain(Condition condition, Facts facts, Instant now) {
        if (condition instanceof Condition.All all) {
            List<Trace> kids = all.conditions().stream().map(c -> explain(c, facts, now)).toList();
            return new Trace("all", kids.stream().allMatch(Trace::held), null, kids);
        }
        if (condition instanceof Condition.Any any) {
            List<Trace> kids = any.conditions().stream().map(c -> explain(c, facts, now)).toList();
            return new Trace("any", kids.stream().anyMatch(Trace::held), null, kids);
        }
        if (condition instanceof Condition.Not not) {
            Trace inner = explain(not.condition(), facts, now);
            return new Trace("not", !inner.held(), null, List.of(inner));
        }
        boolean held = matches(condition, facts, now);
        if (condition instanceof Condition.Attribute a) {
            Map<String, Object> values = a.computed() ? facts.computed() : facts.traits();
            return new Trace((a.computed() ? "computed " : "trait ") + a.name() + " " + a.operator().jsonName()
                    + (a.value() == null ? "" : " " + a.value()), held, actual(a, values, now), List.of());
        }
        if (condition instanceof Condition.EntryProperty p) {
            return new Trace("entry " + p.name() + " " + p.operator().jsonName() + (p.value() == null ? "" : " " + p.value()),
                    held, facts.entry() == null ? null : facts.entry().get(p.name()), List.of());
        }
        if (condition instanceof Condition.Visit v) {
            return new Trace("visit " + v.name() + " " + v.operator().jsonName() + (v.value() == null ? "" : " " + v.value()),
                    held, facts.visit() == null ? null : facts.visit().get(v.name()), List.of());
        }
        if (condition instanceof Condition.Event e) {
            long performed = facts.events().stream().filter(l -> sameEvent(e, l)).count();
            String what = e.notPerformedForDays() != null ? "event " + e.event() + " not performed for " + e.notPerformedForDays() + " days"
                    : "event " + e.event() + " " + e.countOperator().name().toLowerCase(Locale.ROOT) + " " + e.count()
                            + (e.withinLastDays() != null ? " within last " + e.withinLastDays() + " days"
                                    : e.from() != null ? " between " + e.from() + " and " + e.to() : " ever");
            return new Trace(what, held, Map.of("loggedMatching", performed), List.of());
        }
        if (condition instanceof Condition.Consent c) {
            List<String> seen = facts.consents() == null ? List.of() : facts.consents().stream()
                    .filter(s -> s.channel().equals(c.channel())).map(s -> s.topic() + ":" + s.status().name().toLowerCase(Locale.ROOT)).toList();
            return new Trace("consent " + c.channel() + "/" + c.topic(), held, seen, List.of());
        }
        if (condition instanceof Condition.InSegment s) {
            return new Trace("inSegment " + s.segmentId(), held, held, List.of());
        }
        if (condition instanceof Condition.CameFrom c) {
            return new Trace("cameFrom " + String.join(", ", c.in()) + " of " + String.join(", ", c.segments()), held,
                    cameFrom(c, facts), List.of());
        }
        Condition.RandomBucket r = (Condition.RandomBucket) condition;
        return new Trace("randomBucket " + r.salt() + " " + r.percent() + "%", held, bucket(r.salt(), facts.profileId()), List.of());
    }

    /** The listed segment the profile was in most recently: a current one, else the one left last; null if none. */
    static String cameFrom(Condition.CameFrom c, Facts facts) {
        String best = null;
        Instant bestAt = null;
        for (String id : c.segments()) {
            if (facts.memberships().contains(id)) {
                return id;
            }
            Instant left = facts.lastLeft() == null ? null : facts.lastLeft().get(id);
            if (left != null && (bestAt == null || left.isAfter(bestAt))) {
                best = id;
                bestAt = left;
            }
        }
        return best;
    }

    /** The attribute's value at {@code now}: as stored, except computed values that move with the clock. */
    private static Object actual(Condition.Attribute a, Map<String, Object> values, Instant now) {
        if (values == null) {
            return null;
        }
        return a.computed() ? ClockedAttributes.valueAt(a.name(), values, now) : values.get(a.name());
    }

    static boolean attribute(Condition.Attribute a, Map<String, Object> values, Instant now) {
        Object actual = actual(a, values, now);
        Object expected = a.value();
        if (a.operator() == Operator.EXISTS) {
            boolean wanted = expected == null || (Boolean) expected;
            return (actual != null) == wanted;
        }
        if (a.operator() == Operator.NOT_EQUALS) {
            return !Values.same(actual, expected);
        }
        if (actual == null) {
            return false;
        }
        return switch (a.operator()) {
            case EQUALS -> Values.same(actual, expected);
            case IN -> ((List<?>) expected).stream().anyMatch(v -> Values.same(actual, v));
            case CONTAINS -> actual instanceof Collection<?> c ? c.stream().anyMatch(v -> Values.same(v, expected))
                    : String.valueOf(actual).contains(String.valueOf(expected));
            case STARTS_WITH -> actual instanceof String s && s.startsWith((String) expected);
            case GT -> ordered(actual, expected, c -> c > 0);
            case GTE -> ordered(actual, expected, c -> c >= 0);
            case LT -> ordered(actual, expected, c -> c < 0);
            case LTE -> ordered(actual, expected, c -> c <= 0);
            case BETWEEN -> ordered(actual, ((List<?>) expected).get(0), c -> c >= 0)
                    && ordered(actual, ((List<?>) expected).get(1), c -> c <= 0);
            case WITHIN_LAST_DAYS -> {
                Instant t = Values.instant(actual);
                yield t != null && !t.isAfter(now) && !t.isBefore(now.minus(days(expected)));
            }
            case MORE_THAN_DAYS_AGO -> {
                Instant t = Values.instant(actual);
                yield t != null && t.isBefore(now.minus(days(expected)));
            }
            case IN_NEXT_DAYS -> {
                Instant t = Values.instant(actual);
                yield t != null && !t.isBefore(now) && !t.isAfter(now.plus(days(expected)));
            }
            case ANNIVERSARY_WITHIN_DAYS -> anniversaryWithin(Values.instant(actual), now, ((Number) expected).intValue());
            case EXISTS, NOT_EQUALS -> throw new IllegalStateException("handled above");
        };
    }

    private static boolean ordered(Object actual, Object expected, java.util.function.IntPredicate test) {
        Integer c = Values.compare(actual, expected);
        return c != null && test.test(c);
    }

    private static Duration days(Object n) {
        return Duration.ofDays(((Number) n).longValue());
    }

    /** The next anniversary (month and day, UTC; 29 Feb falls on 28 Feb in common years) is today or within {@code days}. */
    static boolean anniversaryWithin(Instant date, Instant now, int days) {
        if (date == null) {
            return false;
        }
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        MonthDay md = MonthDay.from(date.atZone(ZoneOffset.UTC));
        LocalDate next = md.atYear(today.getYear());
        if (next.isBefore(today)) {
            next = md.atYear(today.getYear() + 1);
        }
        return ChronoUnit.DAYS.between(today, next) <= days;
    }

    static boolean event(Condition.Event e, List<LoggedEvent> events, Instant now) {
        if (e.notPerformedForDays() != null) {
            Instant since = now.minus(Duration.ofDays(e.notPerformedForDays()));
            return events.stream().noneMatch(l -> sameEvent(e, l) && l.occurredAt().isAfter(since));
        }
        long n;
        if (e.withinLastDays() != null) {
            // The last N days are (now - N days, now]: an event leaves the window exactly N days after
            // it happened, which is the instant the flip timer is set for.
            Instant after = now.minus(Duration.ofDays(e.withinLastDays()));
            n = events.stream().filter(l -> sameEvent(e, l))
                    .filter(l -> l.occurredAt().isAfter(after) && !l.occurredAt().isAfter(now)).count();
        } else {
            n = events.stream().filter(l -> sameEvent(e, l))
                    .filter(l -> e.from() == null || !l.occurredAt().isBefore(e.from()))
                    .filter(l -> e.to() == null || !l.occurredAt().isAfter(e.to()))
                    .count();
        }
        return switch (e.countOperator()) {
            case AT_LEAST -> n >= e.count();
            case AT_MOST -> n <= e.count();
            case EXACTLY -> n == e.count();
        };
    }

    /** The event with every {@code {"entry": ...}} value in its where replaced by what the instance entered with. */
    static Condition.Event bound(Condition.Event e, Facts facts) {
        if (e.where().values().stream().noneMatch(v -> v instanceof Condition.EntryRef)) {
            return e;
        }
        Map<String, Object> where = new java.util.LinkedHashMap<>();
        e.where().forEach((k, v) -> where.put(k, v instanceof Condition.EntryRef r
                ? (facts.entry() == null ? null : facts.entry().get(r.name())) : v));
        return new Condition.Event(e.event(), where, e.countOperator(), e.count(), e.withinLastDays(), e.from(), e.to(),
                e.notPerformedForDays());
    }

    private static boolean sameEvent(Condition.Event e, LoggedEvent l) {
        if (!e.event().equals(l.event())) {
            return false;
        }
        Map<String, Object> props = l.properties() == null ? Map.of() : l.properties();
        // An entry reference to a value the instance did not enter with matches nothing.
        return e.where().entrySet().stream().allMatch(w -> w.getValue() != null && !(w.getValue() instanceof Condition.EntryRef)
                && Values.same(props.get(w.getKey()), w.getValue()));
    }

    /** A topic-level answer wins; without one, the channel-wide ("*") grant decides. */
    static boolean consent(Condition.Consent c, List<ConsentState> consents) {
        if (consents == null) {
            return false;
        }
        for (ConsentState s : consents) {
            if (c.channel().equals(s.channel()) && c.topic().equals(s.topic())) {
                return s.granted();
            }
        }
        return consents.stream().anyMatch(s -> c.channel().equals(s.channel())
                && ConsentState.ANY_TOPIC.equals(s.topic()) && s.granted());
    }

    /** A stable bucket in [0, 10000) from the salt and the profile id, the same in every replica and run. */
    public static int bucket(String salt, String profileId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((salt + ":" + profileId).getBytes(StandardCharsets.UTF_8));
            long v = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
            return (int) (v % 10_000);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    /**
     * The first instant after {@code now} at which the condition's answer could change while the
     * profile itself does not change, or null when only a profile change can change it. Conservative:
     * every leaf's next change counts, even when the group around it would hide it, so a due
     * re-evaluation may find nothing to do (and then asks again), but no flip is ever late. Membership
     * of other segments is covered by their own timers. Rounded up to the microsecond PostgreSQL keeps,
     * so a timer never fires just before the flip it was set for.
     */
    public static Instant nextChange(Condition condition, Facts facts, Instant now) {
        Instant next = null;
        if (condition instanceof Condition.All all) {
            for (Condition c : all.conditions()) {
                next = earliest(next, nextChange(c, facts, now));
            }
        } else if (condition instanceof Condition.Any any) {
            for (Condition c : any.conditions()) {
                next = earliest(next, nextChange(c, facts, now));
            }
        } else if (condition instanceof Condition.Not not) {
            next = nextChange(not.condition(), facts, now);
        } else if (condition instanceof Condition.Event e) {
            next = eventChange(e, facts.events(), now);
        } else if (condition instanceof Condition.Attribute a) {
            Map<String, Object> values = a.computed() ? facts.computed() : facts.traits();
            next = a.computed() && ClockedAttributes.clocked(a.name()) ? clockedChange(a, values, now)
                    : attributeChange(a, values == null ? null : Values.instant(values.get(a.name())), now);
        }
        return next == null ? null : ceilMicros(next);
    }

    private static Instant eventChange(Condition.Event e, List<LoggedEvent> events, Instant now) {
        Integer days = e.withinLastDays() != null ? e.withinLastDays() : e.notPerformedForDays();
        if (days == null) {
            return null;
        }
        Duration window = Duration.ofDays(days);
        if (e.notPerformedForDays() != null) {
            // Only the latest one keeps the absence from holding.
            Instant latest = null;
            for (LoggedEvent l : events) {
                if (sameEvent(e, l) && (latest == null || l.occurredAt().isAfter(latest))) {
                    latest = l.occurredAt();
                }
            }
            return latest == null ? null : after(now, latest.plus(window));
        }
        Instant next = null;
        for (LoggedEvent l : events) {
            if (!sameEvent(e, l)) {
                continue;
            }
            Instant t = l.occurredAt();
            // A future-dated event (a client clock ahead) enters the window when its time comes.
            if (t.isAfter(now)) {
                next = earliest(next, t);
            }
            Instant out = t.plus(window);
            if (out.isAfter(now)) {
                next = earliest(next, out);
            }
        }
        return next;
    }

    /** The first instant the clock alone turns the answer: its value only moves at the change points. */
    private static Instant clockedChange(Condition.Attribute a, Map<String, Object> values, Instant now) {
        boolean current = attribute(a, values, now);
        for (Instant at : ClockedAttributes.changePoints(a, values, now)) {
            if (attribute(a, values, at) != current) {
                return at;
            }
        }
        return null;
    }

    private static Instant attributeChange(Condition.Attribute a, Instant t, Instant now) {
        if (t == null) {
            return null;
        }
        Object v = a.value();
        return switch (a.operator()) {
            // now - N <= t <= now: true from t, false just after t + N
            case WITHIN_LAST_DAYS -> after(now, t, t.plus(days(v)).plusNanos(1));
            // t < now - N: true just after t + N
            case MORE_THAN_DAYS_AGO -> after(now, t.plus(days(v)).plusNanos(1));
            // now <= t <= now + N: true from t - N, false just after t
            case IN_NEXT_DAYS -> after(now, t.minus(days(v)), t.plusNanos(1));
            case ANNIVERSARY_WITHIN_DAYS -> anniversaryChange(t, now, ((Number) v).intValue());
            default -> null;
        };
    }

    /** The answer changes at a UTC midnight: the day the window reaches the anniversary, or the day after it. */
    static Instant anniversaryChange(Instant date, Instant now, int days) {
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        MonthDay md = MonthDay.from(date.atZone(ZoneOffset.UTC));
        LocalDate next = md.atYear(today.getYear());
        if (next.isBefore(today)) {
            next = md.atYear(today.getYear() + 1);
        }
        LocalDate flip = ChronoUnit.DAYS.between(today, next) <= days ? next.plusDays(1) : next.minusDays(days);
        return flip.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The earliest of the candidates strictly after {@code now}. */
    private static Instant after(Instant now, Instant... candidates) {
        Instant next = null;
        for (Instant c : candidates) {
            if (c.isAfter(now)) {
                next = earliest(next, c);
            }
        }
        return next;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static Instant ceilMicros(Instant t) {
        Instant down = t.truncatedTo(ChronoUnit.MICROS);
        return down.equals(t) ? t : down.plus(1, ChronoUnit.MICROS);
    }
}
