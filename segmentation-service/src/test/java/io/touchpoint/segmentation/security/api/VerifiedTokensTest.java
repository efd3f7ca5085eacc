package io.touchpoint.segmentation.security.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    /** A clock the test sets to the millisecond. */
    static final class SetClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    record Token(String raw, long exp, Set<String> groups) implements JsonWebToken {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("raw_token", "exp", "groups");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            Map<String, Object> claims = exp == 0 ? Map.of("raw_token", raw, "groups", groups)
                    : Map.of("raw_token", raw, "exp", exp, "groups", groups);
            return (T) claims.get(claimName);
        }

        @Override
        public long getExpirationTime() {
            return exp;
        }

        @Override
        public Set<String> getGroups() {
            return groups;
        }
    }

    private final SetClock clock = new SetClock();
    private final long nowSeconds = clock.now.getEpochSecond();

    private Token token(String raw, long secondsToLive) {
        return new Token(raw, nowSeconds + secondsToLive, Set.of("analyst"));
    }

    @Test
    void aTokenIsServedUntilTheMillisecondBeforeItsExpAndForgottenAtExp() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 10);
        Token t = token("a.b.c", 60);
        tokens.remember(t);

        clock.now = Instant.ofEpochSecond(t.exp()).minusMillis(1);
        VerifiedTokens.Verified found = tokens.find("a.b.c");
        assertNotNull(found);
        assertSame(t, found.token());
        assertEquals(Set.of("analyst"), found.roles());

        clock.now = Instant.ofEpochSecond(t.exp());
        assertNull(tokens.find("a.b.c"));
        assertEquals(0, tokens.size());
    }

    @Test
    void onlyTheExactRawTokenMatches() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 10);
        tokens.remember(token("a.b.c", 60));
        assertNull(tokens.find("a.b.d"));
        assertNull(tokens.find("a.b.c "));
        assertNull(tokens.find("A.b.c"));
    }

    @Test
    void expiredTokensAndTokensWithoutExpAreNotKept() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 10);
        tokens.remember(token("expired", -1));
        tokens.remember(token("expires-now", 0));
        tokens.remember(new Token("no-exp", 0, Set.of("admin")));
        assertEquals(0, tokens.size());
    }

    @Test
    void whenFullExpiredEntriesGoFirstThenTheOnesClosestToExpiring() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 3);
        tokens.remember(token("short", 10));
        tokens.remember(token("long", 1000));
        tokens.remember(token("medium", 100));
        tokens.remember(token("newest", 500));
        assertEquals(3, tokens.size());
        assertNull(tokens.find("short"));

        clock.now = clock.now.plusSeconds(200); // "medium" has expired, "long" and "newest" have not
        tokens.remember(token("later", 2000));
        assertEquals(3, tokens.size());
        for (String kept : List.of("long", "newest", "later")) {
            assertNotNull(tokens.find(kept), kept);
        }
    }

    @Test
    void aCapacityOfZeroTurnsTheCacheOff() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 0);
        tokens.remember(token("a.b.c", 60));
        assertNull(tokens.find("a.b.c"));
    }
}
