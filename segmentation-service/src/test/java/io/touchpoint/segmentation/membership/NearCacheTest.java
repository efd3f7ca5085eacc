package io.touchpoint.segmentation.membership;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.segmentation.membership.store.NearCache;

/**
 * The in-memory copies in front of Redis on the real stack. Another replica is played by writing
 * Redis and publishing on the invalidation channel directly, as that replica's
 * {@code MembershipCache.invalidate} would. The test profile's TTL (30 s) is longer than any wait
 * here, so only an invalidation can make a copy go.
 */
@QuarkusTest
class NearCacheTest {

    private static final String KEY = "touchpoint:segmentation:profile-segments:";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;
    @Inject
    RedisDataSource redis;
    @Inject
    NearCache near;

    private String analyst() {
        return new TestTokens(privateKey, issuer).bearer("analyst");
    }

    private List<String> segmentsOf(String profile) {
        return given().header("Authorization", analyst()).get("/v1/profiles/{id}/segments", profile).then()
                .statusCode(200).extract().path("segments.segmentId");
    }

    /** An entry as another replica's lookup would have cached it. */
    private void cacheInRedis(String profile, String segment) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("_", "1");
        fields.put(segment, "2026-01-01T00:00:00Z");
        redis.key().del(KEY + profile);
        redis.hash(String.class).hset(KEY + profile, fields);
    }

    /** Reads until this replica serves the profile from memory (a read that hit Redis copies it). */
    private void awaitHeld(String profile) {
        await().atMost(WAIT).untilAsserted(() -> {
            segmentsOf(profile);
            assertNotNull(near.get(profile), "held in memory");
        });
    }

    private void awaitSegments(String profile, Matcher<? super List<String>> matcher) {
        await().atMost(WAIT).untilAsserted(() -> org.hamcrest.MatcherAssert.assertThat(segmentsOf(profile), matcher));
    }

    @Test
    void anotherReplicasInvalidationDropsTheCopy() {
        String profile = "near-" + UUID.randomUUID();
        cacheInRedis(profile, "seg-a");
        awaitHeld(profile);

        // Redis changes without a message: this replica keeps answering what it holds...
        cacheInRedis(profile, "seg-b");
        org.hamcrest.MatcherAssert.assertThat(segmentsOf(profile), contains("seg-a"));
        // ...until the invalidation another replica publishes with every change arrives.
        redis.pubsub(String.class).publish(NearCache.CHANNEL, "[\"" + profile + "\"]");
        awaitSegments(profile, contains("seg-b"));

        // A flush (after an outage) drops every copy.
        awaitHeld(profile);
        cacheInRedis(profile, "seg-c");
        redis.pubsub(String.class).publish(NearCache.CHANNEL, "*");
        awaitSegments(profile, contains("seg-c"));
    }

    @Test
    void copiesAreBypassedWhileTheSubscriptionIsDown() {
        String profile = "near-" + UUID.randomUUID();
        cacheInRedis(profile, "seg-a");
        awaitHeld(profile);
        cacheInRedis(profile, "seg-b");

        // Invalidations published now would not be heard: the copies must not be served meanwhile.
        redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
        awaitSegments(profile, contains("seg-b"));
        // Subscribed again, it copies entries again.
        awaitHeld(profile);
    }

    @Test
    void aMembershipChangeOnThisReplicaDropsTheCopy() throws Exception {
        String batch = UUID.randomUUID().toString();
        String profile = "near-" + batch;
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var s = c.prepareStatement("""
                INSERT INTO profile_snapshot (profile_id, version, traits, computed, consents, updated_at)
                VALUES (?, 1, ?::jsonb, '{}'::jsonb, '[]'::jsonb, ?)""")) {
            s.setString(1, profile);
            s.setString(2, "{\"batch\":\"" + batch + "\"}");
            s.setTimestamp(3, Timestamp.from(Instant.now()));
            s.executeUpdate();
        }
        String segment = given().header("Authorization", new TestTokens(privateKey, issuer).bearer("admin"))
                .contentType(ContentType.JSON)
                .body("{\"name\":\"near\",\"state\":\"active\",\"condition\":{\"trait\":\"batch\",\"operator\":\"equals\",\"value\":\""
                        + batch + "\"}}")
                .post("/v1/segments").then().statusCode(201).extract().path("id");
        awaitSegments(profile, hasItem(segment));
        awaitHeld(profile);

        try (TestEvents events = new TestEvents(bootstrap)) {
            events.publish(Topic.PROFILE_CHANGES, profile, EventTypes.PROFILE_CHANGED, new ProfileChanged(profile, 2,
                    Set.of("traits"), Map.of("batch", "moved"), Map.of(), List.of(), Map.of(), List.of(), null, Instant.now()));
            awaitSegments(profile, not(hasItem(segment)));
        }
    }
}
