package io.touchpoint.gateway.unsubscribe.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class UnsubscribeTokenTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final UnsubscribeToken TOKEN = new UnsubscribeToken("d-1", "p-1", "email", "win-back", "ada@example.com");

    @Test
    void aSignedTokenVerifiesToItsFieldsAndIsUrlSafe() {
        String signed = TOKEN.sign(KEY);
        assertTrue(signed.matches("[A-Za-z0-9._-]+"), signed);
        assertEquals(signed, TOKEN.sign(KEY));
        assertEquals(Optional.of(TOKEN), UnsubscribeToken.verify(KEY, signed));
    }

    @Test
    void anythingElseIsRefused() {
        String signed = TOKEN.sign(KEY);
        String[] parts = signed.split("\\.");
        String otherTopic = new UnsubscribeToken("d-1", "p-1", "email", "*", "ada@example.com").sign(KEY).split("\\.")[1];
        assertEquals(Optional.empty(), UnsubscribeToken.verify(KEY, parts[0] + "." + otherTopic + "." + parts[2]));
        assertEquals(Optional.empty(), UnsubscribeToken.verify("another key, another key, another".getBytes(StandardCharsets.US_ASCII),
                signed));
        assertEquals(Optional.empty(), UnsubscribeToken.verify(KEY, "u1.%%%." + parts[2]));
        assertEquals(Optional.empty(), UnsubscribeToken.verify(KEY, "nonsense"));
        assertEquals(Optional.empty(), UnsubscribeToken.verify(KEY, "x".repeat(UnsubscribeToken.MAX_LENGTH + 1)));
        assertEquals(Optional.empty(), UnsubscribeToken.verify(KEY, null));
    }
}
