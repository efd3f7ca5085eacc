package io.touchpoint.devstack.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

import io.touchpoint.devstack.JwtKeys;

/**
 * Bearer tokens for integration tests, signed by the devstack's key. Build it from the
 * {@code touchpoint.devstack.jwt.private-key} and {@code touchpoint.devstack.jwt.issuer} overrides
 * that {@link TouchpointTestResource} sets.
 */
public final class TestTokens {

    private final JwtKeys keys;

    public TestTokens(String privateKeyPath, String issuer) {
        try {
            this.keys = JwtKeys.load(Path.of(privateKeyPath), issuer);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the devstack's signing key", e);
        }
    }

    public String bearer(String... roles) {
        return "Bearer " + keys.mint("test-" + String.join("-", roles), List.of(roles), Duration.ofMinutes(30));
    }

    /** A token that expired a minute ago. */
    public String expiredBearer(String... roles) {
        return "Bearer " + keys.mint("test-expired", List.of(roles), Duration.ofMinutes(-1));
    }
}
