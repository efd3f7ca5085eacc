package io.touchpoint.conditions;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** Loose comparisons of JSON values: traits arrive untyped, so "42", 42 and 42.0 must compare equal. */
final class Values {

    private Values() {
    }

    /** An ISO instant, offset date-time or plain date (midnight UTC); null when it is none of them. */
    static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (!(value instanceof String s) || s.length() < 10) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static BigDecimal number(Object value) {
        if (value instanceof BigDecimal b) {
            return b;
        }
        if (value instanceof Number n) {
            try {
                return new BigDecimal(n.toString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (value instanceof String s && !s.isBlank()) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static boolean same(Object actual, Object expected) {
        if (actual == null || expected == null) {
            return actual == expected;
        }
        if (actual instanceof Number || expected instanceof Number) {
            BigDecimal a = number(actual);
            BigDecimal e = number(expected);
            return a != null && e != null && a.compareTo(e) == 0;
        }
        if (actual instanceof Boolean || expected instanceof Boolean) {
            return String.valueOf(actual).equalsIgnoreCase(String.valueOf(expected));
        }
        return Objects.equals(String.valueOf(actual), String.valueOf(expected));
    }

    /** Numbers compare as numbers, dates as instants; null when the two cannot be ordered. */
    static Integer compare(Object actual, Object expected) {
        if (expected instanceof Number) {
            BigDecimal a = number(actual);
            return a == null ? null : a.compareTo(number(expected));
        }
        Instant e = instant(expected);
        Instant a = instant(actual);
        return a == null || e == null ? null : a.compareTo(e);
    }
}
