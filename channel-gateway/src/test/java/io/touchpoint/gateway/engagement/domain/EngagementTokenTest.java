package io.touchpoint.gateway.engagement.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeToken;

class EngagementTokenTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant SENT = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void aClickCarriesItsUrlAndIsUrlSafe() {
        EngagementToken click = EngagementToken.click("d-1", "p-1", SENT, "https://shop.example/sale?a=1&b=ä\nx");
        String signed = click.sign(KEY);
        assertTrue(signed.matches("[A-Za-z0-9._-]+"), signed);
        assertEquals(Optional.empty(), EngagementToken.verify(KEY, EngagementToken.Kind.CLICK, signed),
                "a URL with a newline cannot be a field; such a link is never signed whole");
        EngagementToken plain = EngagementToken.click("d-1", "p-1", SENT, "https://shop.example/sale?a=1&b=ä");
        assertEquals(Optional.of(plain), EngagementToken.verify(KEY, EngagementToken.Kind.CLICK, plain.sign(KEY)));
    }

    @Test
    void anOpenIsNotAClickAndOtherTokensAreRefused() {
        String open = EngagementToken.open("d-1", "p-1", SENT).sign(KEY);
        assertEquals(Optional.of(EngagementToken.open("d-1", "p-1", SENT)), EngagementToken.verify(KEY, EngagementToken.Kind.OPEN, open));
        assertEquals(Optional.empty(), EngagementToken.verify(KEY, EngagementToken.Kind.CLICK, open));
        String unsubscribe = new UnsubscribeToken("d-1", "p-1", "email", "*", "a@example.com").sign(KEY);
        assertEquals(Optional.empty(), EngagementToken.verify(KEY, EngagementToken.Kind.CLICK, unsubscribe));
        assertEquals(Optional.empty(), EngagementToken.verify("another key, another key, another".getBytes(StandardCharsets.US_ASCII),
                EngagementToken.Kind.OPEN, open));
        assertEquals(Optional.empty(), EngagementToken.verify(KEY, EngagementToken.Kind.OPEN, "e1.!!.x"));
    }
}
