package io.touchpoint.segmentation.membership;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.segmentation.membership.messaging.ComputationResumer;

/**
 * Bulk passes as a marketer sees them (progress, final count, history) and as an operator relies on
 * them: a pass whose process died resumes after its last committed page, and a newer save
 * supersedes a running pass. Real PostgreSQL, Kafka and Redis; pages of 100 profiles in tests.
 */
@QuarkusTest
class SegmentComputationTest {

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
    ComputationResumer resumer;

    private String token(String role) {
        return new TestTokens(privateKey, issuer).bearer(role);
    }

    private Connection db() throws Exception {
        return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
    }

    private void insertProfiles(List<String> ids, String batch) throws Exception {
        try (var c = db(); var s = c.prepareStatement("""
                INSERT INTO profile_snapshot (profile_id, version, traits, computed, consents, updated_at)
                VALUES (?, 1, ?::jsonb, '{}'::jsonb, '[]'::jsonb, ?)""")) {
            for (String id : ids) {
                s.setString(1, id);
                s.setString(2, "{\"batch\":\"" + batch + "\"}");
                s.setTimestamp(3, Timestamp.from(Instant.now()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static String segmentBody(String batch) {
        return "{\"name\":\"batch " + batch + "\",\"state\":\"active\",\"condition\":{\"trait\":\"batch\",\"operator\":\"equals\",\"value\":\""
                + batch + "\"}}";
    }

    private JsonPath awaitCompleted(String segment, String computation) {
        return await().atMost(WAIT).until(() -> given().header("Authorization", token("analyst"))
                .get("/v1/segments/{id}/computations/{c}", segment, computation).then().statusCode(200).extract().jsonPath(),
                body -> "completed".equals(body.getString("state")));
    }

    private Set<String> members(String segment) throws Exception {
        Set<String> out = new HashSet<>();
        try (var c = db(); var s = c.prepareStatement("SELECT profile_id FROM membership WHERE segment_id = ?")) {
            s.setString(1, segment);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long count(String sql, String arg) throws Exception {
        try (var c = db(); var s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aSaveReportsItsPassWithProgressAndTheFinalCount() throws Exception {
        String batch = UUID.randomUUID().toString();
        List<String> matching = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            matching.add(String.format("cmp-%s-%03d", batch, i));
        }
        insertProfiles(matching, batch);
        insertProfiles(List.of("cmp-other-" + batch), "other");

        JsonPath created = given().header("Authorization", token("marketer")).contentType(ContentType.JSON)
                .body(segmentBody(batch)).post("/v1/segments").then().statusCode(201)
                .body("computation.id", notNullValue()).body("computation.segmentIds", hasSize(1))
                .extract().jsonPath();
        String segment = created.getString("id");
        String computation = created.getString("computation.id");

        JsonPath done = awaitCompleted(segment, computation);
        long known = done.getLong("profilesTotal");
        assertTrue(known >= 251, "every known profile counted: " + known);
        assertEquals(known, done.getLong("profilesEvaluated"));
        assertEquals(1.0, done.getDouble("progress"));
        assertEquals(250, done.getLong("transitions"));
        assertEquals(250, done.getLong("sizes." + segment));
        assertEquals(Set.copyOf(matching), members(segment));
        given().header("Authorization", token("analyst")).get("/v1/segments/{id}", segment).then().statusCode(200)
                .body("size", equalTo(250)).body("computation.id", equalTo(computation))
                .body("computation.state", equalTo("completed"));

        // A change of definition is a new pass; the list shows both, newest first, a page at a time.
        String renamed = given().header("Authorization", token("marketer")).contentType(ContentType.JSON)
                .body(segmentBody(batch).replace("\"name\":\"batch ", "\"name\":\"renamed ")).put("/v1/segments/{id}", segment)
                .then().statusCode(200).extract().path("computation.id");
        JsonPath again = awaitCompleted(segment, renamed);
        assertEquals(0, again.getLong("transitions"), "the same rule moves nobody");
        JsonPath first = given().header("Authorization", token("analyst")).queryParam("limit", 1)
                .get("/v1/segments/{id}/computations", segment).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].id", equalTo(renamed)).extract().jsonPath();
        given().header("Authorization", token("analyst")).queryParam("limit", 1).queryParam("cursor", first.getString("nextCursor"))
                .get("/v1/segments/{id}/computations", segment).then().statusCode(200)
                .body("items[0].id", equalTo(computation));

        given().header("Authorization", token("analyst")).get("/v1/segments/{id}/computations/{c}", segment, "no-such")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", token("analyst")).get("/v1/segments/{id}/computations", "no-such-segment")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", token("analyst")).queryParam("limit", 0)
                .get("/v1/segments/{id}/computations", segment).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        given().get("/v1/segments/{id}/computations", segment).then().statusCode(401);
    }

    @Test
    void aPassWhoseProcessDiedResumesAfterItsLastCommittedPage() throws Exception {
        String batch = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(String.format("rsm-%s-%03d", batch, i));
        }
        insertProfiles(ids, batch);
        String segment = "rsm-segment-" + batch;
        String computation = "rsm-computation-" + batch;
        // As a crashed process leaves things: the segment saved with its pass, pages up to profile 149
        // committed (here: none of them made a member, so a pass that started over would show), and a
        // lease that lapsed.
        String cursor = ids.get(149);
        try (var c = db()) {
            try (var s = c.prepareStatement("""
                    INSERT INTO segment (id, name, state, condition, version, created_at, updated_at)
                    VALUES (?, 'resumed', 'active', ?::jsonb, 1, now(), now())""")) {
                s.setString(1, segment);
                s.setString(2, "{\"trait\":\"batch\",\"operator\":\"equals\",\"value\":\"" + batch + "\"}");
                s.executeUpdate();
            }
            try (var s = c.prepareStatement("""
                    INSERT INTO segment_computation (id, segment_ids, state, profiles_total, profiles_evaluated, cursor_profile,
                      owner, lease_until, started_at, updated_at)
                    VALUES (?, ARRAY[?], 'running', 1000, 500, ?, 'a-process-that-died', now() - interval '1 second', now(), now())""")) {
                s.setString(1, computation);
                s.setString(2, segment);
                s.setString(3, cursor);
                s.executeUpdate();
            }
        }
        long after = count("SELECT count(*) FROM profile_snapshot WHERE profile_id > ?", cursor);

        resumer.resumeLapsed().await().atMost(WAIT);

        JsonPath done = awaitCompleted(segment, computation);
        assertEquals(2, done.getInt("attempts"));
        assertEquals(500 + after, done.getLong("profilesEvaluated"), "counts go on from the committed pages");
        assertEquals(150, done.getLong("transitions"));
        assertEquals(Set.copyOf(ids.subList(150, 300)), members(segment), "only the profiles after the cursor were evaluated");
        assertEquals(0, count("SELECT count(*) FROM segment_computation WHERE id = ? AND owner = 'a-process-that-died'",
                computation));
    }

    @Test
    void aNewerSaveSupersedesARunningPass() throws Exception {
        String batch = UUID.randomUUID().toString();
        insertProfiles(List.of("sup-1-" + batch, "sup-2-" + batch), batch);
        String segment = given().header("Authorization", token("marketer")).contentType(ContentType.JSON)
                .body(segmentBody(batch)).post("/v1/segments").then().statusCode(201).extract().path("id");
        String stale = "sup-computation-" + batch;
        try (var c = db(); var s = c.prepareStatement("""
                INSERT INTO segment_computation (id, segment_ids, state, owner, lease_until, started_at, updated_at)
                VALUES (?, ARRAY[?], 'running', 'another-live-process', now() + interval '1 hour', now(), now())""")) {
            s.setString(1, stale);
            s.setString(2, segment);
            s.executeUpdate();
        }

        String newer = given().header("Authorization", token("marketer")).contentType(ContentType.JSON)
                .body(segmentBody(batch)).put("/v1/segments/{id}", segment).then().statusCode(200)
                .extract().path("computation.id");

        given().header("Authorization", token("analyst")).get("/v1/segments/{id}/computations/{c}", segment, stale)
                .then().statusCode(200).body("state", equalTo("superseded")).body("finishedAt", notNullValue());
        assertEquals(2, awaitCompleted(segment, newer).getLong("sizes." + segment));
    }
}
