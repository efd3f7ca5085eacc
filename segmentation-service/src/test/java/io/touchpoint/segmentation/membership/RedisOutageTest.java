package io.touchpoint.segmentation.membership;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.devstack.testing.RedisOutage;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * Redis stops answering mid-test: lookups still answer from PostgreSQL, the service stays ready and
 * says Redis is degraded, a change made meanwhile is not hidden by a stale cache entry afterwards,
 * and once Redis is back the cache serves again.
 */
@QuarkusTest
class RedisOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "touchpoint:segmentation:profile-segments:";

    @ConfigProperty(name = "touchpoint.devstack.dir")
    String devstackDir;
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

    private String admin() {
        return new TestTokens(privateKey, issuer).bearer("admin");
    }

    private void awaitSegments(String profile, org.hamcrest.Matcher<Iterable<? super String>> matcher) {
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", admin())
                .get("/v1/profiles/{id}/segments", profile).then().statusCode(200).body("segments.segmentId", matcher));
    }

    private void awaitRedis(String state) {
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'Redis connection health check' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Redis connection health check' }.data.redis", equalTo(state)));
    }

    @Test
    void lookupsAnswerFromPostgresWhileRedisIsDownAndFromRedisOnceItIsBack() throws Exception {
        String batch = UUID.randomUUID().toString();
        String profile = "outage-" + batch;
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var s = c.prepareStatement("""
                INSERT INTO profile_snapshot (profile_id, version, traits, computed, consents, updated_at)
                VALUES (?, 1, ?::jsonb, '{}'::jsonb, '[]'::jsonb, ?)""")) {
            s.setString(1, profile);
            s.setString(2, "{\"batch\":\"" + batch + "\"}");
            s.setTimestamp(3, Timestamp.from(Instant.now()));
            s.executeUpdate();
        }
        String segment = given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"outage\",\"state\":\"active\",\"condition\":{\"trait\":\"batch\",\"operator\":\"equals\",\"value\":\""
                        + batch + "\"}}")
                .post("/v1/segments").then().statusCode(201).extract().path("id");
        awaitSegments(profile, hasItem(segment));
        assertTrue(redis.key().exists(KEY + profile), "the lookup cached the profile's memberships");

        try (TestEvents events = new TestEvents(bootstrap); RedisOutage outage = RedisOutage.of(Path.of(devstackDir)).begin()) {
            awaitSegments(profile, hasItem(segment));
            given().header("Authorization", admin()).contentType(ContentType.JSON).body("{\"profileIds\":[\"" + profile + "\"]}")
                    .post("/v1/segments/{id}/members/check", segment).then().statusCode(200)
                    .body("members", equalTo(Map.of(profile, true)));
            given().header("Authorization", admin()).get("/v1/segments/{id}", segment).then().statusCode(200)
                    .body("size", equalTo(1));
            awaitRedis("degraded");

            // The exit cannot drop the cached entry that still says "member".
            events.publish(Topic.PROFILE_CHANGES, profile, EventTypes.PROFILE_CHANGED, new ProfileChanged(profile, 2,
                    Set.of("traits"), Map.of("batch", "moved"), Map.of(), List.of(), Map.of(), List.of(), null, Instant.now()));
            awaitSegments(profile, not(hasItem(segment)));
        }

        awaitRedis("up");
        // The entry that missed its invalidation was dropped on recovery, not served stale.
        awaitSegments(profile, not(hasItem(segment)));
        await().atMost(WAIT).untilAsserted(() -> {
            given().header("Authorization", admin()).get("/v1/profiles/{id}/segments", profile).then().statusCode(200);
            assertTrue(redis.key().exists(KEY + profile), "lookups are cached in Redis again");
        });
        given().header("Authorization", admin()).get("/v1/segments/{id}", segment).then().statusCode(200).body("size", equalTo(0));
    }
}
