package io.touchpoint.gateway.tracking.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;

/** ISO-8601 date-times as the SDKs write them: with Z, +01:00 or +0100, with or without fractions. */
final class Timestamps {

    private static final List<DateTimeFormatter> WITH_OFFSET = List.of(
            DateTimeFormatter.ISO_OFFSET_DATE_TIME,
            new DateTimeFormatterBuilder().parseCaseInsensitive().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .appendOffset("+HHMM", "Z").toFormatter());

    private Timestamps() {
    }

    /** @return null when the text is no ISO-8601 date-time */
    static Instant parse(String text) {
        String value = text.strip();
        for (DateTimeFormatter format : WITH_OFFSET) {
            try {
                return OffsetDateTime.parse(value, format).toInstant();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        try {
            // Without an offset the only sensible reading for a server-side import is UTC.
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
