package io.touchpoint.segmentation.security.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.JwtKeys;
import io.touchpoint.devstack.testing.TestTokens;

/** The verified-token cache on the real stack: it saves verifications and changes no answer. */
@QuarkusTest
class VerifiedTokenCacheTest {

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @Inject
    VerifiedTokens verifiedTokens;
    @Inject
    MeterRegistry registry;

    private double verifications(String outcome) {
        return registry.counter("touchpoint.auth.verified.tokens", "outcome", outcome).count();
    }

    private TestTokens tokens() {
        return new TestTokens(privateKey, issuer);
    }

    private static String raw(String bearer) {
        return bearer.substring("Bearer ".length());
    }

    /** The same token with one character of its signature changed (not the last: its low bits are padding). */
    private static String tamperedSignature(String bearer) {
        int at = bearer.lastIndexOf('.') + 10;
        char c = bearer.charAt(at);
        return bearer.substring(0, at) + (c == 'A' ? 'B' : 'A') + bearer.substring(at + 1);
    }

    private static void lookup(String bearer, int status) {
        var response = given().header("Authorization", bearer).get("/v1/profiles/{id}/segments", "token-cache-profile")
                .then().statusCode(status);
        if (status == 200) {
            response.body("profileId", equalTo("token-cache-profile"));
        } else {
            response.contentType("application/problem+json").body("status", equalTo(status));
        }
    }

    @Test
    void aVerifiedTokenIsRememberedAndKeepsWorking() {
        String bearer = tokens().bearer("analyst");
        assertNull(verifiedTokens.find(raw(bearer)));
        lookup(bearer, 200);
        assertNotNull(verifiedTokens.find(raw(bearer)));
        double hits = verifications("hit");
        lookup(bearer, 200);
        lookup(bearer, 200);
        // Other tests' requests may count too, never fewer.
        assertTrue(verifications("hit") >= hits + 2, "the second and third requests were not served from the cache");
    }

    @Test
    void aTamperedSignatureIsRefusedAndNeverRemembered() {
        String bearer = tokens().bearer("admin");
        lookup(bearer, 200);
        String tampered = tamperedSignature(bearer);
        for (int i = 0; i < 2; i++) {
            lookup(tampered, 401);
        }
        assertNull(verifiedTokens.find(raw(tampered)));
        // A tampered token never seen in its valid form is refused too.
        String fresh = tamperedSignature(tokens().bearer("admin"));
        lookup(fresh, 401);
        assertNull(verifiedTokens.find(raw(fresh)));
    }

    @Test
    void missingInvalidAndExpiredTokensAreStillProblems() {
        for (int i = 0; i < 2; i++) {
            given().get("/v1/profiles/{id}/segments", "token-cache-profile").then().statusCode(401)
                    .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
            lookup("Bearer not.a.jwt", 401);
            String expired = tokens().expiredBearer("admin");
            lookup(expired, 401);
            assertNull(verifiedTokens.find(raw(expired)));
        }
    }

    @Test
    void aRememberedTokenWithTheWrongRoleIsStillForbidden() {
        String analyst = tokens().bearer("analyst");
        lookup(analyst, 200); // remembered
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", analyst).get("/v1/erasure-receipts/{id}", "x").then().statusCode(403)
                    .contentType("application/problem+json").body("title", equalTo("Forbidden"));
        }
        assertNotNull(verifiedTokens.find(raw(analyst)));
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
        JwtKeys keys = JwtKeys.load(Path.of(privateKey), issuer);
        lookup(tokens().bearer("analyst"), 200); // a warm path: the short-lived token must not expire on its first request
        // exp is in whole seconds, 3-4 s from now; the test profile allows the verifier 1 s of clock skew.
        String bearer = "Bearer " + keys.mint("test-short", List.of("analyst"), Duration.ofSeconds(4));
        lookup(bearer, 200);
        assertNotNull(verifiedTokens.find(raw(bearer)));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> lookup(bearer, 401));
        assertNull(verifiedTokens.find(raw(bearer)));
    }
}
