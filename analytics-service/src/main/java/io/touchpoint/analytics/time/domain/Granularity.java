package io.touchpoint.analytics.time.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;

/** A report's step in the reader's zone: local hours, days, ISO weeks (from Monday) or calendar months. */
public enum Granularity {
    HOUR, DAY, WEEK, MONTH;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Granularity> parse(String text) {
        for (Granularity g : values()) {
            if (g.text().equals(text)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** The start of the period that holds {@code at}, in {@code zone}. */
    public ZonedDateTime floor(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        return switch (this) {
            case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
            case DAY -> local.toLocalDate().atStartOfDay(zone);
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(zone);
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        };
    }

    /** The start of the next period; days and longer begin at local midnight, whatever daylight saving does. */
    public ZonedDateTime next(ZonedDateTime start, ZoneId zone) {
        return switch (this) {
            case HOUR -> start.plusHours(1);
            case DAY -> start.toLocalDate().plusDays(1).atStartOfDay(zone);
            case WEEK -> start.toLocalDate().plusWeeks(1).atStartOfDay(zone);
            case MONTH -> start.toLocalDate().plusMonths(1).atStartOfDay(zone);
        };
    }
}
