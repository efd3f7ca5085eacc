package io.touchpoint.segmentation.segment.domain;

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
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.segmentation.segment.domain.Condition.Operator;

/**
 * Decides membership from what segmentation holds about one profile. Pure and deterministic
 * (the caller passes {@code now}), so the same inputs always give the same answer, in the stream,
 * in a bulk pass and in tests.
 */
public final class SegmentEvaluator {

    /** What is known about a profile: its latest snapshot, its event log and its current memberships. */
    public record Facts(String profileId, Map<String, Object> traits, Map<String, Object> computed,
            List<ConsentState> consents, List<LoggedEvent> events, Set<String> memberships) {
    }

    public record LoggedEvent(String event, Instant occurredAt, Map<String, Object> properties) {
    }

    private SegmentEvaluator() {
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
        if (condition instanceof Condition.Event e) {
            return event(e, facts.events(), now);
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
                    + (a.value() == null ? "" : " " + a.value()), held, values == null ? null : values.get(a.name()), List.of());
        }
        if (condition instanceof Condition.Event e) {
            long performed = facts.events().stream().filter(l -> sameEvent(e, l)).count();
            String what = e.notPerformedForDays() != null ? "event " + e.event() + " not performed for " + e.notPerformedForDays() + " days"
                    : "event " + e.event() + " " + e.countOperator().name().toLowerCase() + " " + e.count()
                            + (e.withinLastDays() != null ? " within last " + e.withinLastDays() + " days"
                                    : e.from() != null ? " between " + e.from() + " and " + e.to() : " ever");
            return new Trace(what, held, Map.of("loggedMatching", performed), List.of());
        }
        if (condition instanceof Condition.Consent c) {
            List<String> seen = facts.consents() == null ? List.of() : facts.consents().stream()
                    .filter(s -> s.channel().equals(c.channel())).map(s -> s.topic() + ":" + s.status().name().toLowerCase()).toList();
            return new Trace("consent " + c.channel() + "/" + c.topic(), held, seen, List.of());
        }
        if (condition instanceof Condition.InSegment s) {
            return new Trace("inSegment " + s.segmentId(), held, held, List.of());
        }
        Condition.RandomBucket r = (Condition.RandomBucket) condition;
        return new Trace("randomBucket " + r.salt() + " " + r.percent() + "%", held, bucket(r.salt(), facts.profileId()), List.of());
    }

    static boolean attribute(Condition.Attribute a, Map<String, Object> values, Instant now) {
        Object actual = values == null ? null : values.get(a.name());
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
        Instant from = e.withinLastDays() != null ? now.minus(Duration.ofDays(e.withinLastDays())) : e.from();
        Instant to = e.withinLastDays() != null ? now : e.to();
        long n = events.stream().filter(l -> sameEvent(e, l))
                .filter(l -> from == null || !l.occurredAt().isBefore(from))
                .filter(l -> to == null || !l.occurredAt().isAfter(to))
                .count();
        return switch (e.countOperator()) {
            case AT_LEAST -> n >= e.count();
            case AT_MOST -> n <= e.count();
            case EXACTLY -> n == e.count();
        };
    }

    private static boolean sameEvent(Condition.Event e, LoggedEvent l) {
        if (!e.event().equals(l.event())) {
            return false;
        }
        Map<String, Object> props = l.properties() == null ? Map.of() : l.properties();
        return e.where().entrySet().stream().allMatch(w -> Values.same(props.get(w.getKey()), w.getValue()));
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

}
