package io.touchpoint.conditions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Computed attributes whose value moves with the clock alone. profile-service publishes them as of
 * the moment it wrote the profile; taken at that value, a profile would stay in "tenure under 60
 * days" or "trailing 12-month value over 1,000" until its next interaction, which may never come.
 * They are derived here at the evaluation instant instead, so the flip timer moves them like any
 * window:
 * <ul>
 * <li>{@code tenureDays}: whole days since {@code registeredAt} (as profile-service counts them);</li>
 * <li>{@code trailing12MonthValue}: the published value less what has left the window since, from
 * {@code trailing12MonthValueExpiring}, which maps each UTC date to the net amount that leaves the
 * window at its midnight (purchases of the day 365 days before, less refunds).</li>
 * </ul>
 * A profile published without these inputs keeps its published value.
 */
final class ClockedAttributes {

    static final String TENURE_DAYS = "tenureDays";
    static final String REGISTERED_AT = "registeredAt";
    static final String TRAILING_12M_VALUE = "trailing12MonthValue";
    static final String TRAILING_12M_EXPIRING = "trailing12MonthValueExpiring";
    private static final Duration DAY = Duration.ofDays(1);
    /** Tenure thresholds beyond a thousand years can never be crossed. */
    private static final BigDecimal MAX_DAYS = BigDecimal.valueOf(366_000);

    private ClockedAttributes() {
    }

    static boolean clocked(String name) {
        return TENURE_DAYS.equals(name) || TRAILING_12M_VALUE.equals(name);
    }

    /** The attribute's value at {@code now}; for attributes that do not move with the clock, the published one. */
    static Object valueAt(String name, Map<String, Object> computed, Instant now) {
        if (computed == null) {
            return null;
        }
        if (TENURE_DAYS.equals(name)) {
            Instant registered = Values.instant(computed.get(REGISTERED_AT));
            return registered == null ? computed.get(name) : Math.max(0, Duration.between(registered, now).toDays());
        }
        if (TRAILING_12M_VALUE.equals(name)) {
            Map<?, ?> expiring = expiring(computed);
            BigDecimal published = Values.number(computed.get(name));
            if (expiring == null || published == null) {
                return computed.get(name);
            }
            BigDecimal value = published;
            for (Map.Entry<?, ?> e : expiring.entrySet()) {
                Instant at = midnight(e.getKey());
                BigDecimal amount = Values.number(e.getValue());
                if (at != null && amount != null && !at.isAfter(now)) {
                    value = value.subtract(amount);
                }
            }
            return value;
        }
        return computed.get(name);
    }

    /**
     * The instants after {@code now}, ascending, at which the attribute's value can change while the
     * profile does not: for tenure only the day boundaries the condition's thresholds sit on (not
     * every midnight), for the trailing value each date something leaves the window.
     */
    static List<Instant> changePoints(Condition.Attribute a, Map<String, Object> computed, Instant now) {
        TreeSet<Instant> points = new TreeSet<>();
        if (computed == null) {
            return List.of();
        }
        if (TENURE_DAYS.equals(a.name())) {
            Instant registered = Values.instant(computed.get(REGISTERED_AT));
            if (registered == null) {
                return List.of();
            }
            // Tenure is a step function rising by one at registeredAt + k days; a comparison with v can
            // only change where k crosses v, i.e. at floor(v), floor(v) + 1 or ceil(v) (+ 1 for equality).
            for (BigDecimal v : thresholds(a.value())) {
                if (v.abs().compareTo(MAX_DAYS) > 0) {
                    continue;
                }
                long floor = v.setScale(0, RoundingMode.FLOOR).longValueExact();
                long ceil = v.setScale(0, RoundingMode.CEILING).longValueExact();
                for (long k : new long[] { floor, floor + 1, ceil, ceil + 1 }) {
                    if (k >= 0) {
                        Instant at = registered.plus(DAY.multipliedBy(k));
                        if (at.isAfter(now)) {
                            points.add(at);
                        }
                    }
                }
            }
        } else if (TRAILING_12M_VALUE.equals(a.name())) {
            Map<?, ?> expiring = expiring(computed);
            if (expiring != null) {
                for (Object date : expiring.keySet()) {
                    Instant at = midnight(date);
                    if (at != null && at.isAfter(now)) {
                        points.add(at);
                    }
                }
            }
        }
        return new ArrayList<>(points);
    }

    private static List<BigDecimal> thresholds(Object value) {
        List<BigDecimal> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> out.addAll(thresholds(v)));
        } else {
            BigDecimal n = Values.number(value);
            if (n != null) {
                out.add(n);
            }
        }
        return out;
    }

    private static Map<?, ?> expiring(Map<String, Object> computed) {
        return computed.get(TRAILING_12M_EXPIRING) instanceof Map<?, ?> m ? m : null;
    }

    private static Instant midnight(Object date) {
        if (!(date instanceof String s)) {
            return null;
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
