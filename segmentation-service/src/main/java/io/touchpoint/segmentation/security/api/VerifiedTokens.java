package io.touchpoint.segmentation.security.api;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Bearer tokens smallrye-jwt has already verified, by their exact raw text, each until its
 * {@code exp}. Clients send the same token on every request and an RS256 verification plus claim
 * parsing cost more than the rest of a cached lookup, so a token is verified once and then trusted
 * until it expires. Only successes are remembered (a tampered or expired token is a different or a
 * refused string and never gets here); an entry is never served at or after its {@code exp}, by
 * this service's clock, so the cache accepts nothing the verifier would refuse (the verifier even
 * allows a clock skew past {@code exp}). Bounded: when full, expired entries go first, then the
 * ones closest to expiring.
 */
@ApplicationScoped
public class VerifiedTokens {

    /** A verified token and what an identity needs from it, computed once. */
    public record Verified(JsonWebToken token, Set<String> roles, long expiresAtMillis) {
    }

    private final Map<String, Verified> byRawToken = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;

    @Inject
    public VerifiedTokens(Clock clock,
            @ConfigProperty(name = "touchpoint.auth.verified-tokens.capacity", defaultValue = "4096") int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** The verified token for this exact raw token, or null when unknown or expired (then forgotten). */
    public Verified find(String rawToken) {
        Verified verified = byRawToken.get(rawToken);
        if (verified == null) {
            return null;
        }
        if (clock.millis() >= verified.expiresAtMillis()) {
            byRawToken.remove(rawToken, verified);
            return null;
        }
        return verified;
    }

    /** Remembers a token smallrye-jwt just verified; tokens without {@code exp} or already expired are not kept. */
    public void remember(JsonWebToken token) {
        String rawToken = token.getRawToken();
        long exp = token.getExpirationTime();
        if (capacity <= 0 || rawToken == null || exp <= 0) {
            return;
        }
        Verified known = byRawToken.get(rawToken);
        if (known != null && known.token() == token) {
            return; // an identity this cache made, passing the augmentors again
        }
        long expiresAtMillis = exp > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : exp * 1000;
        long now = clock.millis();
        if (now >= expiresAtMillis) {
            return;
        }
        if (byRawToken.size() >= capacity) {
            makeRoom(now);
        }
        byRawToken.put(rawToken, new Verified(token, Set.copyOf(token.getGroups()), expiresAtMillis));
    }

    public int size() {
        return byRawToken.size();
    }

    /** Rare (only with more live tokens than the capacity), so a scan is fine; one at a time. */
    private synchronized void makeRoom(long now) {
        byRawToken.values().removeIf(v -> now >= v.expiresAtMillis());
        while (byRawToken.size() >= capacity) {
            byRawToken.entrySet().stream().min((a, b) -> Long.compare(a.getValue().expiresAtMillis(),
                    b.getValue().expiresAtMillis())).ifPresent(e -> byRawToken.remove(e.getKey(), e.getValue()));
        }
    }
}
