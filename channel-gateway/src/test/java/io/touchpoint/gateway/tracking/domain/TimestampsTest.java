package io.touchpoint.gateway.tracking.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The shortcut for the common form must read every text exactly as the formatters do. */
class TimestampsTest {

    @Test
    void theCommonFormReadsAsTheFormattersReadIt() {
        List<String> texts = new ArrayList<>(List.of("2031-01-02T03:04:05Z", "2031-01-02T03:04:05.678Z",
                "2031-01-02T03:04:05.123456789Z", "2031-01-02T03:04:05.1234567891Z", "2031-01-02T03:04:05.Z",
                "2031-01-02T03:04:05.5+01:00", "2031-01-02T03:04:05-00:00", "2031-01-02T03:04:05+18:00",
                "2031-01-02T03:04:05+18:01", "2031-01-02T03:04:05-14:30", "2031-01-02T03:04:05+0100",
                "2031-01-02T03:04:05+01", "2031-01-02T03:04:05+01:00:30", "2031-01-02t03:04:05z",
                "2031-01-02T03:04Z", "2031-01-02T03:04:05", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
                "2031-04-31T00:00:00Z", "2031-13-01T00:00:00Z", "2031-00-10T00:00:00Z", "2031-01-00T00:00:00Z",
                "2031-01-01T24:00:00Z", "2031-01-01T23:60:00Z", "2031-01-01T23:59:60Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "+12031-01-01T00:00:00Z", "2031-1-01T00:00:00Z",
                "2031-01-01 00:00:00Z", "2031-01-01T00:00:00ZZ", "2031-01-01T0a:00:00Z", "2031-01-01T00:00:00+1:00",
                "２０３１-01-01T00:00:00Z", "2031-01-01T00:00:00.1a2Z", "not a date"));
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
                    random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = at.toString();
            if (random.nextBoolean()) {
                int hours = random.nextInt(37) - 18;
                text = at.atOffset(java.time.ZoneOffset.ofHoursMinutes(hours, hours == 18 || hours == -18 ? 0
                        : Integer.signum(hours) * random.nextInt(60))).toString();
            }
            texts.add(text);
        }
        int common = 0;
        for (String text : texts) {
            Instant shortcut = Timestamps.parseCommonForm(text);
            Instant formatters = Timestamps.parseAnyForm(text);
            if (shortcut != null) {
                common++;
                assertEquals(formatters, shortcut, text);
            }
            assertEquals(formatters, Timestamps.parse(text), text);
        }
        assertEquals(true, common > 10_000, "most texts take the shortcut: " + common);
    }

    @Test
    void surroundingBlanksAndOtherFormsStillRead() {
        assertEquals(Instant.parse("2031-01-02T02:04:05Z"), Timestamps.parse(" 2031-01-02T03:04:05+0100\n"));
        assertEquals(Instant.parse("2031-01-02T03:04:05Z"), Timestamps.parse("2031-01-02T03:04:05"));
        assertNotNull(Timestamps.parse("2031-01-02t03:04:05z"));
        // The +HHMM formatter resolves smartly, so a day past the month's end is read as its last day.
        assertEquals(Instant.parse("2023-02-28T00:00:00Z"), Timestamps.parse("2023-02-29T00:00:00Z"));
        assertNull(Timestamps.parse("yesterday"));
    }
}
