package io.touchpoint.gateway.tracking.messaging;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * {@link Instant#toString()}, the ISO-8601 form the contract's JSON and the {@code ce_time} header
 * carry, written without the formatter: every record has five instants to write, and the formatter
 * costs a builder, a LocalDateTime and its toString for each, the largest share of the gateway's
 * allocation after the request bodies. Instants outside years 0000 to 9999 are left to
 * {@link Instant#toString()}.
 */
final class InstantText {

    private static final long FIRST_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long LAST_SECOND = (LocalDate.of(9999, 12, 31).toEpochDay() + 1) * 86_400 - 1;

    private InstantText() {
    }

    static String format(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond < FIRST_SECOND || epochSecond > LAST_SECOND) {
            return instant.toString();
        }
        long epochDay = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int nano = instant.getNano();
        char[] text = new char[30];
        int at = 0;
        at = put(text, at, date.getYear(), 4);
        text[at++] = '-';
        at = put(text, at, date.getMonthValue(), 2);
        text[at++] = '-';
        at = put(text, at, date.getDayOfMonth(), 2);
        text[at++] = 'T';
        at = put(text, at, secondOfDay / 3600, 2);
        text[at++] = ':';
        at = put(text, at, secondOfDay / 60 % 60, 2);
        text[at++] = ':';
        at = put(text, at, secondOfDay % 60, 2);
        if (nano > 0) {
            // As ISO_INSTANT: in groups of three digits, as many groups as the nanoseconds need.
            text[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = put(text, at, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                at = put(text, at, nano / 1_000, 6);
            } else {
                at = put(text, at, nano, 9);
            }
        }
        text[at++] = 'Z';
        return new String(text, 0, at);
    }

    /** Writes {@code value} as exactly {@code width} digits, zero-padded. */
    private static int put(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /** Writes instants as {@link #format} does; the same text the JavaTimeModule writes with dates not as timestamps. */
    static final class Serializer extends StdSerializer<Instant> {

        private static final long serialVersionUID = 1L;

        Serializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(format(value));
        }
    }
}
