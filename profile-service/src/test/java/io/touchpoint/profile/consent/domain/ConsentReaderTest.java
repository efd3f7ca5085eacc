package io.touchpoint.profile.consent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.Interaction;

class ConsentReaderTest {

    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");
    private final ConsentReader reader = new ConsentReader("Consent Updated",
            List.of("Newsletter Subscribed=email:newsletter:granted", "SMS Opted In=sms:*:granted"));

    @Test
    void theGenericConsentEventCarriesChannelTopicStatusAndProof() {
        var changes = reader.read(track("Consent Updated", Map.of("channel", "SMS", "topic", "Jackpot", "status", "opt-in",
                "transactional", true, "proof", Map.of("form", "v2"))));
        assertEquals(1, changes.size());
        var c = changes.get(0);
        assertEquals("sms", c.channel());
        assertEquals("jackpot", c.topic());
        assertEquals(ConsentState.Status.GRANTED, c.status());
        assertTrue(c.transactional());
        assertEquals("v2", c.proof().get("form"));
        assertEquals("m-1", c.proof().get("messageId"));
        assertEquals("203.0.113.7", c.proof().get("ip"));
    }

    @Test
    void configuredEventsImplyAConsent() {
        var changes = reader.read(track("Newsletter Subscribed", Map.of()));
        assertEquals(List.of("email/newsletter/GRANTED"),
                changes.stream().map(c -> c.channel() + "/" + c.topic() + "/" + c.status()).toList());
    }

    @Test
    void segmentCategoryPreferencesAreChannelConsents() {
        var interaction = new Interaction("m-1", "src", "track", "u", null, null, null, "Anything", null, null, Map.of(), null,
                Map.of("consent", Map.of("categoryPreferences", Map.of("email", true, "sms:offers", false))), null, T, null,
                null, T);
        var changes = reader.read(interaction);
        assertEquals(2, changes.size());
        assertTrue(changes.stream().anyMatch(c -> c.channel().equals("email") && c.topic().equals("*")
                && c.status() == ConsentState.Status.GRANTED));
        assertTrue(changes.stream().anyMatch(c -> c.channel().equals("sms") && c.topic().equals("offers")
                && c.status() == ConsentState.Status.WITHDRAWN));
    }

    @Test
    void unknownStatusesAreNotGuessed() {
        assertEquals(List.of(), reader.read(track("Consent Updated", Map.of("channel", "email", "status", "maybe"))));
    }

    private static Interaction track(String event, Map<String, Object> properties) {
        return new Interaction("m-1", "src", "track", "u", null, null, null, event, null, null, properties, null,
                Map.of("ip", "203.0.113.7"), null, T, null, null, T);
    }
}
