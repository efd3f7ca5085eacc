package io.touchpoint.gateway.tracking.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
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
        Instant common = parseCommonForm(value);
        return common != null ? common : parseAnyForm(value);
    }

    /**
     * What nearly every SDK sends, {@code 2031-01-02T03:04:05.678Z} or with {@code +01:00}, read
     * without the formatters: they cost a parse context and several exceptions' worth of work per
     * message, more than the rest of the message's validation. Any other form, and any value out of
     * range, is left to {@link #parseAnyForm}, which gives the same instant for every text read here.
     *
     * @return null when the text is not of this form or not a valid date-time
     */
    static Instant parseCommonForm(String value) {
        int length = value.length();
        if (length < 20 || value.charAt(4) != '-' || value.charAt(7) != '-' || value.charAt(10) != 'T'
                || value.charAt(13) != ':' || value.charAt(16) != ':') {
            return null;
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 7);
        int day = digits(value, 8, 10);
        int hour = digits(value, 11, 13);
        int minute = digits(value, 14, 16);
        int second = digits(value, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int position = 19;
        int nano = 0;
        if (value.charAt(position) == '.') {
            int start = ++position;
            while (position < length && position - start < 10 && isDigit(value.charAt(position))) {
                nano = nano * 10 + value.charAt(position) - '0';
                position++;
            }
            int fractionDigits = position - start;
            if (fractionDigits == 0 || fractionDigits > 9) {
                return null;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nano *= 10;
            }
        }
        int offsetSeconds;
        if (position == length - 1 && value.charAt(position) == 'Z') {
            offsetSeconds = 0;
        } else if (position == length - 6 && (value.charAt(position) == '+' || value.charAt(position) == '-')
                && value.charAt(position + 3) == ':') {
            int offsetHours = digits(value, position + 1, position + 3);
            int offsetMinutes = digits(value, position + 4, position + 6);
            if ((offsetHours | offsetMinutes) < 0 || offsetHours > 18 || offsetMinutes > 59
                    || offsetHours == 18 && offsetMinutes > 0) {
                return null;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (value.charAt(position) == '-' ? -1 : 1);
        } else {
            return null;
        }
        if (month < 1 || month > 12 || day < 1 || day > 28 && day > Month.of(month).length(Year.isLeap(year))
                || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3600 + minute * 60 + second
                - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nano);
    }

    /** @return the number the ASCII digits in [from, to) write, or -1 when one of them is no digit */
    private static int digits(String value, int from, int to) {
        int number = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            number = number * 10 + c - '0';
        }
        return number;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Every form {@link #parse} accepts, through the formatters. */
    static Instant parseAnyForm(String value) {
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
