package io.touchpoint.gateway.recipient.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.ProfileChanged;

class RecipientProjectionTest {

    private static final Instant T = Instant.parse("2027-03-01T10:00:00Z");

    private static ProfileChanged change(Map<String, Object> traits, Map<String, Object> preferences) {
        return new ProfileChanged("p-1", 3, Set.of("traits"), traits, Map.of("orderCount", 2),
                List.of(new ConsentState("email", "*", ConsentState.Status.GRANTED, false, T, "api")), preferences,
                List.of(), null, T);
    }

    @Test
    void readsAddressesConsentAndPreferences() {
        Recipient r = RecipientProjection.of(change(Map.of("email", " ada@example.com ", "phone", "+358401234567"),
                Map.of("channelOrder", List.of("sms", "email", "sms"), "timeZone", "Europe/Helsinki", "locale", "fi-FI",
                        "quietHours", Map.of("start", "22:00", "end", "07:30"))));
        assertEquals("ada@example.com", r.email());
        assertEquals("+358401234567", r.address(Channels.SMS));
        assertEquals(List.of("sms", "email"), r.channelOrder());
        assertEquals(ZoneId.of("Europe/Helsinki"), r.timeZone());
        assertEquals("fi-FI", r.locale());
        assertEquals(new Recipient.QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 30)), r.quietHours());
        assertEquals(1, r.consents().size());
        assertEquals(3, r.version());
    }

    @Test
    void leavesOutWhatItCannotRead() {
        Recipient r = RecipientProjection.of(change(Map.of("email", 42, "phone", " "),
                Map.of("timeZone", "Mars/Olympus", "quietHours", Map.of("start", "late", "end", "07:00"),
                        "channelOrder", "email, sms")));
        assertNull(r.email());
        assertNull(r.phone());
        assertNull(r.timeZone());
        assertNull(r.quietHours());
        assertEquals(List.of("email", "sms"), r.channelOrder());
    }

    @Test
    void anEmptyQuietWindowIsNone() {
        assertNull(RecipientProjection.of(change(Map.of(), Map.of("quietHours", Map.of("start", "08:00", "end", "08:00"))))
                .quietHours());
    }
}
