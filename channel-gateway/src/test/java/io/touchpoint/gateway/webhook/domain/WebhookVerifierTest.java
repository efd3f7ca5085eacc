package io.touchpoint.gateway.webhook.domain;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

    private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void theStandardWebhooksExampleSignature() {
        // The example of the Standard Webhooks specification.
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String body = "{\"test\": 2432232314}";
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                WebhookSignature.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body));
    }

    @Test
    void aSignedFreshCallIsAcceptedOnceAndItsReplayRefused() throws Exception {
        String secret = WebhookSignature.newSecret();
        assertTrue(secret.startsWith("whsec_"));
        String body = "{\"order\":\"o-1\"}";
        String signature = WebhookSignature.header(List.of(secret), "d-1", NOW.getEpochSecond(), body);
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret), CLOCK);
        verifier.verify("d-1", Long.toString(NOW.getEpochSecond()), signature, body);
        var replay = assertThrows(WebhookVerifier.Refused.class,
                () -> verifier.verify("d-1", Long.toString(NOW.getEpochSecond()), signature, body));
        assertTrue(replay.getMessage().startsWith("replayed"), replay.getMessage());
    }

    @Test
    void aStaleOrFutureTimestampIsRefusedWhateverTheSignature() {
        String secret = WebhookSignature.newSecret();
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret), Duration.ofMinutes(5), CLOCK);
        long old = NOW.minusSeconds(301).getEpochSecond();
        var stale = assertThrows(WebhookVerifier.Refused.class, () -> verifier.verify("d-2", Long.toString(old),
                WebhookSignature.header(List.of(secret), "d-2", old, "{}"), "{}"));
        assertTrue(stale.getMessage().startsWith("stale"), stale.getMessage());
        long future = NOW.plusSeconds(301).getEpochSecond();
        assertThrows(WebhookVerifier.Refused.class, () -> verifier.verify("d-3", Long.toString(future),
                WebhookSignature.header(List.of(secret), "d-3", future, "{}"), "{}"));
    }

    @Test
    void aChangedBodyOrAnotherSecretIsRefused() {
        String secret = WebhookSignature.newSecret();
        long at = NOW.getEpochSecond();
        String signature = WebhookSignature.header(List.of(secret), "d-4", at, "{\"qty\":1}");
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret), CLOCK);
        assertThrows(WebhookVerifier.Refused.class, () -> verifier.verify("d-4", Long.toString(at), signature, "{\"qty\":9}"));
        assertThrows(WebhookVerifier.Refused.class, () -> new WebhookVerifier(List.of(WebhookSignature.newSecret()), CLOCK)
                .verify("d-4", Long.toString(at), signature, "{\"qty\":1}"));
        assertThrows(WebhookVerifier.Refused.class, () -> verifier.verify("d-4", Long.toString(at), "v2,abc", "{\"qty\":1}"));
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        String old = WebhookSignature.newSecret();
        String fresh = WebhookSignature.newSecret();
        long at = NOW.getEpochSecond();
        String both = WebhookSignature.header(List.of(fresh, old), "d-5", at, "{}");
        assertEquals(2, both.split(" ").length);
        assertDoesNotThrow(() -> new WebhookVerifier(List.of(old), CLOCK).verify("d-5", Long.toString(at), both, "{}"));
        assertDoesNotThrow(() -> new WebhookVerifier(List.of(fresh), CLOCK).verify("d-5", Long.toString(at), both, "{}"));
    }
}
