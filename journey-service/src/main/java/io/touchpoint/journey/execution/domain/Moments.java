package io.touchpoint.journey.execution.domain;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.touchpoint.journey.definition.domain.JourneyGraph;

/**
 * Local times to instants, in a recipient's zone. A local time that does not exist on a day
 * (the hour skipped when clocks go forward) is taken as the moment after the gap; one that happens
 * twice (clocks go back) as its first occurrence: what {@link ZonedDateTime#of} does.
 */
public final class Moments {

    private Moments() {
    }

    /**
     * The recipient's zone: their stated preference, then a {@code timeZone} trait, then the journey's.
     * An unknown zone id falls back too rather than failing the step.
     */
    public static ZoneId zoneOf(Map<String, Object> preferences, Map<String, Object> traits, ZoneId fallback) {
        for (Object candidate : new Object[] { get(preferences, "timeZone"), get(traits, "timeZone"), get(traits, "timezone") }) {
            if (candidate instanceof String id && !id.isBlank()) {
                try {
                    return ZoneId.of(id);
                } catch (DateTimeException e) {
                    // next candidate
                }
            }
        }
        return fallback;
    }

    /** The first instant at or after {@code now} that is {@code time} in {@code zone}, on one of {@code days} if any. */
    public static Instant nextLocal(Instant now, ZoneId zone, LocalTime time, Set<DayOfWeek> days) {
        LocalDate date = now.atZone(zone).toLocalDate();
        for (int i = 0; i < 9; i++, date = date.plusDays(1)) {
            if (!days.isEmpty() && !days.contains(date.getDayOfWeek())) {
                continue;
            }
            Instant candidate = ZonedDateTime.of(date, time, zone).toInstant();
            if (!candidate.isBefore(now)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + days + " at " + time + " within a week");
    }

    /**
     * When a date attribute's moment is: the date plus {@code offsetDays} at {@code time} in the zone;
     * with {@code anniversary}, its next yearly recurrence at or after {@code now} (29 February is
     * the 28th in other years). Empty when the value is not a date.
     */
    public static Optional<Instant> dateMoment(Object value, boolean anniversary, int offsetDays, LocalTime time, ZoneId zone,
            Instant now) {
        Optional<LocalDate> date = date(value, zone);
        if (date.isEmpty()) {
            return Optional.empty();
        }
        LocalDate base = date.get();
        if (!anniversary) {
            return Optional.of(ZonedDateTime.of(base.plusDays(offsetDays), time, zone).toInstant());
        }
        int year = now.atZone(zone).getYear() - 1;
        for (int i = 0; i < 3; i++, year++) {
            Instant candidate = ZonedDateTime.of(sameDayIn(base, year).plusDays(offsetDays), time, zone).toInstant();
            if (!candidate.isBefore(now)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static LocalDate sameDayIn(LocalDate date, int year) {
        int day = Math.min(date.getDayOfMonth(), date.withYear(year).lengthOfMonth());
        return LocalDate.of(year, date.getMonth(), day);
    }

    /** A date ("1990-05-01"), a date-time with an offset, or an instant, as a local date in the zone. */
    static Optional<LocalDate> date(Object value, ZoneId zone) {
        if (!(value instanceof String text) || text.isBlank()) {
            return Optional.empty();
        }
        try {
            if (text.length() == 10) {
                return Optional.of(LocalDate.parse(text));
            }
            return Optional.of(OffsetDateTime.parse(text).atZoneSameInstant(zone).toLocalDate());
        } catch (DateTimeException e) {
            try {
                return Optional.of(Instant.parse(text).atZone(zone).toLocalDate());
            } catch (DateTimeException again) {
                return Optional.empty();
            }
        }
    }

    /** An instant given as text (an entry payload's deadline), if it is one. */
    public static Optional<Instant> instant(Object value) {
        if (!(value instanceof String text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The schedule's first occurrence, as a local date-time, strictly after {@code after}. Empty when a one-off has passed. */
    public static Optional<LocalDateTime> nextOccurrence(JourneyGraph.ScheduleTrigger s, LocalDateTime after) {
        if (s.at() != null) {
            return s.at().isAfter(after) ? Optional.of(s.at()) : Optional.empty();
        }
        LocalDate date = after.toLocalDate();
        for (int i = 0; i < 400; i++, date = date.plusDays(1)) {
            boolean day = switch (s.every()) {
                case DAY -> true;
                case WEEK -> s.days().contains(date.getDayOfWeek());
                case MONTH -> date.getDayOfMonth() == s.dayOfMonth();
            };
            LocalDateTime candidate = LocalDateTime.of(date, s.time());
            if (day && candidate.isAfter(after)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The earliest instant any zone reaches a local date-time: where the day starts first (UTC+14). */
    public static Instant earliestAnywhere(LocalDateTime local) {
        return local.atOffset(java.time.ZoneOffset.ofHours(14)).toInstant();
    }

    private static Object get(Map<String, Object> map, String key) {
        return map == null ? null : map.get(key);
    }
}
