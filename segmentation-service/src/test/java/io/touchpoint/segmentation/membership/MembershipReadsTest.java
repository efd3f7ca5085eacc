package io.touchpoint.segmentation.membership;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.devstack.testing.TestTokens;

/** Membership reads on the real stack: bulk is-member checks, the CSV export, sizes now and over time. */
@QuarkusTest
class MembershipReadsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;
    @Inject
    RedisDataSource redis;

    private String token(String role) {
        return new TestTokens(privateKey, issuer).bearer(role);
    }

    /** Profiles as if profile-service had announced them: {@code batch} is a trait to select them by. */
    private void insertProfiles(List<String> ids, String batch, boolean withEmail) throws Exception {
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var s = c.prepareStatement("""
                INSERT INTO profile_snapshot (profile_id, version, traits, computed, consents, updated_at)
                VALUES (?, 1, ?::jsonb, '{}'::jsonb, '[]'::jsonb, ?)""")) {
            for (String id : ids) {
                s.setString(1, id);
                s.setString(2, withEmail ? "{\"batch\":\"" + batch + "\",\"email\":\"" + id + "@example.com\",\"phone\":\"+49 30, ext \\\"7\\\"\"}"
                        : "{\"batch\":\"" + batch + "\"}");
                s.setTimestamp(3, Timestamp.from(Instant.now()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private String createBatchSegment(String batch) {
        return given().header("Authorization", token("admin")).contentType(ContentType.JSON)
                .body("{\"name\":\"batch " + batch + "\",\"state\":\"active\",\"condition\":{\"trait\":\"batch\",\"operator\":\"equals\",\"value\":\""
                        + batch + "\"}}")
                .post("/v1/segments").then().statusCode(201).extract().path("id");
    }

    private void awaitSize(String segment, int size) {
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", token("analyst"))
                .get("/v1/segments/{id}", segment).then().statusCode(200).body("size", equalTo(size)));
    }

    @Test
    void manyProfilesAreCheckedAtOnceAndTheAnswersAreCachedInRedis() throws Exception {
        String batch = UUID.randomUUID().toString();
        List<String> in = List.of("chk-in-1-" + batch, "chk-in-2-" + batch);
        insertProfiles(in, batch, false);
        insertProfiles(List.of("chk-out-" + batch), "other", false);
        String segment = createBatchSegment(batch);
        awaitSize(segment, 2);

        String body = "{\"profileIds\":[\"" + in.get(0) + "\",\"chk-out-" + batch + "\",\"nobody-" + batch + "\",\"" + in.get(1) + "\"]}";
        for (int round = 0; round < 2; round++) {
            given().header("Authorization", token("analyst")).contentType(ContentType.JSON).body(body)
                    .post("/v1/segments/{id}/members/check", segment).then().statusCode(200)
                    .body("segmentId", equalTo(segment))
                    .body("members", equalTo(Map.of(in.get(0), true, "chk-out-" + batch, false, "nobody-" + batch, false,
                            in.get(1), true)));
            // The first round read PostgreSQL and cached every profile it asked about, members or not.
            assertTrue(redis.key().exists("touchpoint:segmentation:profile-segments:chk-out-" + batch));
        }
    }

    @Test
    void aProfilesSegmentsAreTheDocumentedJsonFromPostgresAndFromRedisAlike() throws Exception {
        String batch = UUID.randomUUID().toString();
        String profile = "json \"quoted\" ünï-" + batch;
        insertProfiles(List.of(profile), batch, false);
        String segment = createBatchSegment(batch);
        awaitSize(segment, 1);
        Instant entered;
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                var s = c.prepareStatement("SELECT entered_at FROM membership WHERE profile_id = ? AND segment_id = ?")) {
            s.setString(1, profile);
            s.setString(2, segment);
            try (var rs = s.executeQuery()) {
                rs.next();
                entered = rs.getTimestamp(1).toInstant();
            }
        }
        redis.key().del("touchpoint:segmentation:profile-segments:" + profile);
        for (int round = 0; round < 2; round++) { // PostgreSQL, then the entry that read cached
            String body = given().header("Authorization", token("analyst")).get("/v1/profiles/{id}/segments", profile)
                    .then().statusCode(200).contentType(ContentType.JSON).extract().asString();
            assertEquals("{\"profileId\":\"json \\\"quoted\\\" ünï-" + batch + "\",\"segments\":[{\"segmentId\":\"" + segment
                    + "\",\"enteredAt\":\"" + entered + "\"}]}", body);
            assertTrue(redis.key().exists("touchpoint:segmentation:profile-segments:" + profile));
        }
        given().header("Authorization", token("analyst")).get("/v1/profiles/{id}/segments", "nobody-" + batch)
                .then().statusCode(200).body("profileId", equalTo("nobody-" + batch)).body("segments", hasSize(0));
    }

    @Test
    void badChecksAreProblems() {
        String segment = createBatchSegment(UUID.randomUUID().toString());
        given().header("Authorization", token("admin")).contentType(ContentType.JSON).body("{\"profileIds\":[]}")
                .post("/v1/segments/{id}/members/check", segment).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("profileIds"));
        String tooMany = IntStream.range(0, 1001).mapToObj(i -> "\"p" + i + "\"").reduce((a, b) -> a + "," + b).orElseThrow();
        given().header("Authorization", token("admin")).contentType(ContentType.JSON).body("{\"profileIds\":[" + tooMany + "]}")
                .post("/v1/segments/{id}/members/check", segment).then().statusCode(400)
                .body("errors[0].message", equalTo("must list at most 1000 profile ids"));
        given().header("Authorization", token("admin")).contentType(ContentType.JSON).body("{\"profileIds\":[\"a\",\" \"]}")
                .post("/v1/segments/{id}/members/check", segment).then().statusCode(400)
                .body("errors[0].field", equalTo("profileIds[1]"));
        given().header("Authorization", token("admin")).contentType(ContentType.JSON).body("{\"profileIds\":[\"a\"]}")
                .post("/v1/segments/{id}/members/check", "no-such-segment").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"profileIds\":[\"a\"]}")
                .post("/v1/segments/{id}/members/check", segment).then().statusCode(401);
    }

    @Test
    void theCsvExportStreamsEveryMemberAcrossPages() throws Exception {
        String batch = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2345; i++) {
            ids.add(String.format("csv-%s-%05d", batch, i));
        }
        insertProfiles(ids, batch, true);
        String segment = createBatchSegment(batch);
        awaitSize(segment, ids.size());

        var response = given().header("Authorization", token("marketer")).get("/v1/segments/{id}/members.csv", segment)
                .then().statusCode(200).contentType("text/csv").extract();
        List<String> lines = response.asString().lines().toList();
        assertEquals("profile_id,entered_at,email,phone", lines.get(0));
        assertEquals(ids.size() + 1, lines.size());
        for (int i = 0; i < ids.size(); i++) {
            String[] cols = lines.get(i + 1).split(",", 3);
            assertEquals(ids.get(i), cols[0]);
            Instant.parse(cols[1]);
            assertEquals(ids.get(i) + "@example.com,\"+49 30, ext \"\"7\"\"\"", cols[2]);
        }
        given().header("Authorization", token("marketer")).get("/v1/segments/{id}/members.csv", "no-such-segment")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void sizesOverTimeFollowTheHistory() throws Exception {
        String batch = UUID.randomUUID().toString();
        insertProfiles(List.of("size-1-" + batch, "size-2-" + batch, "size-3-" + batch), batch, false);
        Instant before = Instant.now().minusSeconds(1);
        String segment = createBatchSegment(batch);
        awaitSize(segment, 3);
        Instant after = Instant.now().plusSeconds(3600);

        given().header("Authorization", token("analyst"))
                .queryParam("from", before.toString()).queryParam("to", after.toString()).queryParam("interval", "hour")
                .get("/v1/segments/{id}/sizes", segment).then().statusCode(200)
                .body("current", equalTo(3))
                .body("points", hasSize(2))
                .body("points[0].size", equalTo(0))
                .body("points[1].size", equalTo(3));
        given().header("Authorization", token("analyst")).get("/v1/segments/{id}/sizes", segment).then().statusCode(200)
                .body("interval", equalTo("day")).body("points", hasSize(31));

        given().header("Authorization", token("analyst")).queryParam("interval", "minute")
                .get("/v1/segments/{id}/sizes", segment).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("interval"));
        given().header("Authorization", token("analyst")).queryParam("from", "yesterday")
                .get("/v1/segments/{id}/sizes", segment).then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().header("Authorization", token("analyst")).queryParam("intervall", "hour")
                .get("/v1/segments/{id}/sizes", segment).then().statusCode(400).body("errors[0].field", equalTo("intervall"));
        given().header("Authorization", token("analyst")).queryParam("from", "2026-02-01").queryParam("to", "2026-01-01")
                .get("/v1/segments/{id}/sizes", segment).then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().header("Authorization", token("analyst")).queryParam("from", "2020-01-01").queryParam("interval", "hour")
                .get("/v1/segments/{id}/sizes", segment).then().statusCode(400).body("errors[0].field", equalTo("interval"));
    }
}
