package io.touchpoint.analytics.report.api;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import io.touchpoint.analytics.time.domain.Granularity;
import io.touchpoint.analytics.time.domain.TimeGrid;
import io.touchpoint.contracts.Problem;
import io.touchpoint.platform.api.InvalidRequestException;

/**
 * The time parameters every report takes, checked the same way: {@code zone} (IANA, default UTC),
 * {@code from} and {@code to} (ISO dates, read as local midnight in the zone, or instants; default
 * the 30 days before now), {@code granularity}; a bad one is a 400 that names it.
 */
public final class ReportRange {

    /** No report answers more points than this (periods × groups, cohorts × periods). */
    public static final int MAX_POINTS = 10_000;
    static final Duration DEFAULT_SPAN = Duration.ofDays(30);
    /** What reports accept: nothing was tracked before 1970, and far-future instants only overflow date arithmetic. */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

    private ReportRange() {
    }

    public static ZoneId zone(String text) {
        if (text == null || text.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw InvalidRequestException.field("zone", "'" + text + "' is not an IANA time zone (Europe/Helsinki, Asia/Kolkata, UTC)");
        }
    }

    public static Granularity granularity(String text, Granularity otherwise) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        return Granularity.parse(text).orElseThrow(() -> InvalidRequestException.field("granularity",
                "'" + text + "' is not one of hour, day, week, month"));
    }

    /** An ISO date (midnight in {@code zone}) or an instant; null when absent. */
    public static Instant instant(String field, String text, ZoneId zone) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Instant at = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(zone).toInstant() : Instant.parse(text);
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                throw InvalidRequestException.field(field, "must be between " + EARLIEST + " and " + LATEST);
            }
            return at;
        } catch (DateTimeException e) {
            throw InvalidRequestException.field(field, "'" + text + "' is not an ISO date (2026-03-01) or instant (2026-03-01T00:00:00Z)");
        }
    }

    /** {@code [from, to)}; {@code to} defaults to now and {@code from} to 30 days before it. */
    public static Instant[] range(String fromText, String toText, ZoneId zone, Instant now) {
        Instant to = instant("to", toText, zone);
        Instant from = instant("from", fromText, zone);
        if (to == null) {
            to = from == null || from.isBefore(now) ? now : from.plus(DEFAULT_SPAN);
        }
        if (from == null) {
            from = to.minus(DEFAULT_SPAN);
        }
        if (!from.isBefore(to)) {
            throw new InvalidRequestException("The request is not valid.",
                    List.of(new Problem.Violation("from", "must be before to (" + to + ")")));
        }
        return new Instant[] { from, to };
    }

    public static TimeGrid grid(Instant from, Instant to, ZoneId zone, Granularity granularity) {
        try {
            return TimeGrid.of(from, to, zone, granularity, MAX_POINTS);
        } catch (TimeGrid.GridException e) {
            throw InvalidRequestException.field(e.getMessage().contains("offset") ? "zone" : "granularity",
                    e.getMessage() + "; at most " + MAX_POINTS + " points");
        }
    }

    /** A text parameter that must be present. */
    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw InvalidRequestException.field(field, "is required");
        }
        return value;
    }

    public static int integer(String field, String text, int otherwise, int min, int max) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw InvalidRequestException.field(field, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw InvalidRequestException.field(field, "'" + text + "' is not a whole number");
        }
    }

    public static double decimal(String field, String text, double otherwise, double minExclusive, double maxExclusive) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value > minExclusive && value < maxExclusive)) {
                throw InvalidRequestException.field(field, "must be between " + minExclusive + " and " + maxExclusive + " (exclusive)");
            }
            return value;
        } catch (NumberFormatException e) {
            throw InvalidRequestException.field(field, "'" + text + "' is not a number");
        }
    }
}
