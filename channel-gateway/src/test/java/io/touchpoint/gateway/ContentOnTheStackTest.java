package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.content.store.PlacementStore;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * On-site content on the real stack: placements published through the API, profiles and their
 * segment memberships fed through the real broker as profile-service and segmentation-service
 * publish them, decisions asked for as a page does (the default source's write key), impressions
 * read back from the interactions topic.
 */
@QuarkusTest
class ContentOnTheStackTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WRITE_KEY = "tpk_test-default-source-write-key";
    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @Inject
    Pool pool;
    @Inject
    MembershipStore memberships;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    PlacementStore placements;

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    @Test
    void eachLifecycleStageGetsItsBannerAndAnUnknownVisitorTheDefault() {
        String key = "home-banner-" + shortId();
        publishPlacement(key, Map.of("name", "Home banner", "contentType", "html", "variants", List.of(
                variant("active", 40, Map.of("inSegment", "lifecycle-active-customer"),
                        "<p>Hi {{ profile.firstName | default: 'there' }}{{ profile.email }}, today's races</p>"),
                variant("passive", 30, Map.of("inSegment", "lifecycle-passive"), "<p>We miss you: a free bet</p>"),
                variant("prospect", 20, Map.of("inSegment", "lifecycle-prospect"), "<p>Finish your registration</p>"),
                variant("suspect", 10, Map.of("inSegment", "lifecycle-suspect"), "<p>Register now</p>"),
                Map.of("key", "welcome", "priority", 0, "content", "<p>Welcome to Toto</p>"))));

        Map<String, String> stages = Map.of("suspect", "lifecycle-suspect", "prospect", "lifecycle-prospect", "active",
                "lifecycle-active-customer", "passive", "lifecycle-passive");
        Map<String, String> visitors = new java.util.HashMap<>();
        stages.forEach((variant, segment) -> {
            String anon = "anon-" + UUID.randomUUID();
            String profile = "p-" + UUID.randomUUID();
            visitors.put(variant, anon);
            publishProfile(profile, 1, Map.of("firstName", "<b>Ada</b>", "email", "ada@example.com"), Map.of(),
                    Map.of("anonymousId", List.of(anon)));
            publishMembership(profile, segment, true, Instant.now());
        });

        visitors.forEach((variant, anon) -> awaitVariant(key, Map.of("anonymousId", anon), variant));
        JsonPath active = decide(key, Map.of("anonymousId", visitors.get("active"))).then().statusCode(200).extract().jsonPath();
        // Traits render HTML-escaped, and only those templates may render: the email stays out.
        assertEquals("<p>Hi &lt;b&gt;Ada&lt;/b&gt;, today's races</p>", active.getString("content"));
        assertEquals("html", active.getString("contentType"));
        assertEquals(1, active.getInt("version"));

        decide(key, Map.of("anonymousId", "never-seen-" + UUID.randomUUID())).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("variant", equalTo("welcome")).body("content", equalTo("<p>Welcome to Toto</p>"))
                .body("decisionId", notNullValue());
    }

    @Test
    void aStageChangeIsServedWithinMomentsAndTheMembershipsAreKeptForTemplatesToo() {
        String key = "stage-" + shortId();
        publishPlacement(key, Map.of("name", "Stage banner", "contentType", "html", "variants", List.of(
                variant("active", 2, Map.of("inSegment", "lifecycle-active-customer"), "active"),
                variant("passive", 1, Map.of("inSegment", "lifecycle-passive"), "passive"))));
        String user = "user-" + UUID.randomUUID();
        String profile = "p-" + UUID.randomUUID();
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS);
        publishProfile(profile, 3, Map.of(), Map.of(), Map.of("userId", List.of(user), "anonymousId", List.of("a-" + user)));
        publishMembership(profile, "lifecycle-passive", true, t);
        awaitVariant(key, Map.of("userId", user), "passive");

        publishMembership(profile, "lifecycle-passive", false, t.plusSeconds(60));
        publishMembership(profile, "lifecycle-active-customer", true, t.plusSeconds(60));
        awaitVariant(key, Map.of("userId", user, "anonymousId", "someone-else"), "active");
        // A late, older record of the passive stage changes nothing.
        publishMembership(profile, "lifecycle-passive", true, t.plusSeconds(30));
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("channel-gateway", Topic.SEGMENT_MEMBERSHIPS));
        assertEquals(Set.of("lifecycle-active-customer"),
                pool.withConnection(sql -> memberships.segmentsOf(sql, profile)).await().atMost(Duration.ofSeconds(10)));
        decide(key, Map.of("anonymousId", "a-" + user)).then().statusCode(200).body("variant", equalTo("active"));
    }

    @Test
    void theLandingPageFollowsTheTrafficSourceAndSearchTermOfTheVisitBeforeTheProfile() {
        String key = "landing-" + shortId();
        publishPlacement(key, Map.of("name", "Landing page", "contentType", "json", "variants", List.of(
                variant("jackpot", 30, Map.of("visit", "term", "operator", "contains", "value", "jackpot"),
                        Map.of("hero", "This week's jackpot", "cta", "/jackpot?q={{ visit.term | url_encode }}")),
                variant("search", 20, Map.of("visit", "channel", "operator", "equals", "value", "search"),
                        Map.of("hero", "Bet on today's races", "from", "{{ visit.source }}")),
                variant("light-registration", 10, Map.of("visit", "channel", "operator", "equals", "value", "social"),
                        Map.of("page", "light-registration", "fields", List.of("email"))),
                Map.of("key", "default", "priority", 0, "content", Map.of("page", "registration",
                        "fields", List.of("email", "name", "birthDate"))))));
        String anon = "visitor-" + UUID.randomUUID();

        decide(key, Map.of("anonymousId", anon, "url", "https://bet.example/?utm_source=google&utm_medium=cpc&utm_term=Toto+Jackpot"))
                .then().statusCode(200).body("variant", equalTo("jackpot")).body("content.cta", equalTo("/jackpot?q=toto+jackpot"));
        decide(key, Map.of("anonymousId", anon, "utm_term", "horse racing odds", "utm_source", "bing", "utm_medium", "organic"))
                .then().statusCode(200).body("variant", equalTo("search")).body("content.from", equalTo("bing"));
        decide(key, Map.of("anonymousId", anon, "url", "https://bet.example/register", "referrer", "https://www.google.fi/"))
                .then().statusCode(200).body("variant", equalTo("search")).body("content.from", equalTo("google"));
        decide(key, Map.of("anonymousId", anon, "url", "https://bet.example/register?utm_source=instagram&utm_medium=influencer"))
                .then().statusCode(200).body("variant", equalTo("light-registration"))
                .body("content.fields", equalTo(List.of("email")));
        decide(key, Map.of("anonymousId", anon, "url", "https://bet.example/register", "referrer", "https://t.co/x1"))
                .then().statusCode(200).body("variant", equalTo("light-registration"));
        decide(key, Map.of("anonymousId", anon)).then().statusCode(200).body("variant", equalTo("default"))
                .body("content.page", equalTo("registration"));

        // A known visitor whose latest campaign was social gets the light page on a visit that says
        // nothing of where it came from (or only that it is a step inside the site); a visit that
        // does say wins over the profile.
        String known = "known-" + UUID.randomUUID();
        publishProfile("p-" + UUID.randomUUID(), 1, Map.of(), Map.of("latestTouchChannel", "social", "latestTouchSource",
                "instagram"), Map.of("anonymousId", List.of(known)));
        awaitVariant(key, Map.of("anonymousId", known), "light-registration");
        decide(key, Map.of("anonymousId", known, "url", "https://bet.example/odds", "referrer", "https://bet.example/"))
                .then().statusCode(200).body("variant", equalTo("light-registration"));
        decide(key, Map.of("anonymousId", known, "url", "https://bet.example/", "referrer", "https://duckduckgo.com/?q=toto+jackpot"))
                .then().statusCode(200).body("variant", equalTo("jackpot"));
    }

    @Test
    void aWrongWriteKeyIsRefusedAnUnknownPlacementIsNotFoundAndTheIdsAreRequired() {
        String key = "refusals-" + shortId();
        publishPlacement(key, Map.of("name", "Refusals", "contentType", "html", "variants", List.of(
                Map.of("key", "only", "priority", 1, "content", "x"))));

        given().queryParam("anonymousId", "a").get("/v1/content/{key}", key).then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", containsString("Basic"))
                .body("status", equalTo(401));
        given().header("Authorization", Gateway.basic("tpk_not-a-key")).queryParam("anonymousId", "a")
                .get("/v1/content/{key}", key).then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("not valid"));
        given().queryParam("writeKey", "tpk_not-a-key").queryParam("anonymousId", "a").get("/v1/content/{key}", key)
                .then().statusCode(401).contentType("application/problem+json");
        decide("no-such-placement-" + shortId(), Map.of("anonymousId", "a")).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        decide(key, Map.of()).then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("anonymousId"));
        // A page may read content from another site with the key as a parameter; other GETs stay refused to pages.
        given().header("Origin", "https://bet.example").queryParam("writeKey", WRITE_KEY).queryParam("anonymousId", "a")
                .get("/v1/content/{key}", key).then().statusCode(200).header("Access-Control-Allow-Origin", notNullValue())
                .body("variant", equalTo("only"));
        given().header("Origin", "https://bet.example").header("Authorization", bearer("admin")).get("/v1/placements/{key}", key)
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void impressionsAndClicksComeBackAsInteractionsOncePerDecision() {
        String key = "tracked-" + shortId();
        publishPlacement(key, Map.of("name", "Tracked", "contentType", "html", "variants", List.of(
                Map.of("key", "only", "priority", 1, "content", "<a href='/register'>Register</a>"))));
        String anon = "anon-" + UUID.randomUUID();
        String decisionId = decide(key, Map.of("anonymousId", anon)).then().statusCode(200).extract().path("decisionId");
        InteractionLog log = InteractionLog.of(bootstrap);

        Map<String, Object> viewed = Map.of("type", "viewed", "variant", "only", "decisionId", decisionId, "anonymousId", anon);
        reportEvent(key, viewed).then().statusCode(200).body("success", equalTo(true));
        reportEvent(key, viewed).then().statusCode(200);
        reportEvent(key, Map.of("type", "clicked", "variant", "only", "decisionId", decisionId, "anonymousId", anon))
                .then().statusCode(200);

        var view = log.awaitOne("content-viewed-" + decisionId);
        assertEquals("Content Viewed", view.interaction().event());
        assertEquals(anon, view.interaction().anonymousId());
        assertEquals(Map.of("placement", key, "variant", "only", "version", 1, "decisionId", decisionId),
                view.interaction().properties());
        assertEquals("Content Clicked", log.awaitOne("content-clicked-" + decisionId).interaction().event());
        // The reports went out one after the other on the visitor's partition: the click being read means the
        // repeated view would have been read too.
        assertEquals(1, log.withMessageId("content-viewed-" + decisionId).size(), "the repeated report is a duplicate");

        reportEvent(key, Map.of("type", "hovered", "variant", "only", "anonymousId", anon)).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("type"));
        reportEvent(key, Map.of("type", "viewed", "variant", "only")).then().statusCode(400)
                .body("errors.field", hasItem("userId"));
        reportEvent("no-such-" + shortId(), viewed).then().statusCode(404).contentType("application/problem+json");
        given().contentType("application/json").body(Gateway.json(viewed)).post("/v1/content/{key}/events", key)
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void placementsAreCheckedWholeAndEveryProblemNamesItsField() {
        String key = "invalid-" + shortId();
        admin().contentType("application/json").body(Gateway.json(Map.of("name", "Bad", "contentType", "html", "variants", List.of(
                variant("a", 1, Map.of("event", "Bet Placed"), "ok"),
                variant("a", 1, Map.of("visit", "nonsense", "operator", "equals", "value", "x"), "{{ visit.term | shout }}"),
                Map.of("key", "Bad Key", "content", Map.of("not", "text"))))))
                .put("/v1/placements/{key}", key)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("variants[0].rule.event"))
                .body("errors.field", hasItem("variants[1].key"))
                .body("errors.field", hasItem("variants[1].priority"))
                .body("errors.field", hasItem("variants[1].rule.visit"))
                .body("errors.field", hasItem("variants[1].content"))
                .body("errors.field", hasItem("variants[2].key"))
                .body("errors.field", hasItem("variants[2].priority"))
                .body("errors.field", hasItem("variants[2].content"));
        admin().contentType("application/json").body(Gateway.json(Map.of("name", "Bad", "contentType", "xml", "variants", List.of())))
                .put("/v1/placements/{key}", key).then().statusCode(400)
                .body("errors.field", hasItem("contentType")).body("errors.field", hasItem("variants"));
        admin().contentType("application/json").body(Gateway.json(Map.of("name", "Bad", "contentType", "json", "variants", List.of(
                variant("v", 1, null, Map.of("title", "{% if %}"))))))
                .put("/v1/placements/{key}", key).then().statusCode(400)
                .body("errors.field", hasItem("variants[0].content.title"));
        admin().post("/v1/placements/{key}/publish", key).then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", bearer("analyst")).contentType("application/json")
                .body(Gateway.json(Map.of("name", "x", "contentType", "html", "variants", List.of(variant("v", 1, null, "x")))))
                .put("/v1/placements/{key}", key).then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void aPreviewExplainsEveryVariantAndAPublicationReachesVisitorsEvenWhenItsAnnouncementIsLost() throws Exception {
        String key = "preview-" + shortId();
        publishPlacement(key, Map.of("name", "Preview", "contentType", "html", "variants", List.of(
                variant("vip", 2, Map.of("trait", "vip", "operator", "equals", "value", true), "VIP {{ profile.firstName }}"),
                Map.of("key", "everyone", "priority", 1, "content", "hello"))));
        admin().contentType("application/json").body(Gateway.json(Map.of("traits", Map.of("vip", true, "firstName", "Ada"))))
                .post("/v1/placements/{key}/preview", key).then().statusCode(200)
                .body("variant", equalTo("vip")).body("content", equalTo("VIP Ada"))
                .body("variants[0].held", equalTo(true)).body("variants[0].rule.condition", equalTo("trait vip equals true"))
                .body("variants[1].rule", nullValue());

        // Another replica publishes version 2 and its announcement never arrives: the periodic
        // comparison of revisions (2 s in tests) brings it here.
        pool.withTransaction(sql -> sql.preparedQuery("""
                UPDATE placement SET draft = jsonb_set(draft, '{variants,1,content}', '"hello again"') WHERE placement_key = $1""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(key))).await().atMost(Duration.ofSeconds(10));
        pool.withTransaction(sql -> placements.publish(sql, key, Instant.now())).await().atMost(Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> "hello again".equals(decide(key, Map.of("anonymousId", "x")).then().extract().path("content")));

        admin().delete("/v1/placements/{key}", key).then().statusCode(204);
        decide(key, Map.of("anonymousId", "x")).then().statusCode(404);
    }

    @Test
    void aRedisThatLostTheCopyIsRefilledAndAnErasureForgetsTheVisitor() {
        String key = "refill-" + shortId();
        publishPlacement(key, Map.of("name", "Refill", "contentType", "html", "variants", List.of(
                variant("member", 1, Map.of("inSegment", "lifecycle-prospect"), "member"))));
        String anon = "anon-" + UUID.randomUUID();
        String profile = "p-" + UUID.randomUUID();
        publishProfile(profile, 1, Map.of(), Map.of(), Map.of("anonymousId", List.of(anon)));
        publishMembership(profile, "lifecycle-prospect", true, Instant.now());
        awaitVariant(key, Map.of("anonymousId", anon), "member");

        // Redis forgets the visitor and the marker of a full copy, as a restarted empty Redis would.
        redis.execute("UNLINK", "touchpoint:gateway:visitor:" + profile, "touchpoint:gateway:visitor-id:a:" + anon,
                "touchpoint:gateway:visitors:warm").await().atMost(Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> redis.execute("EXISTS", "touchpoint:gateway:visitor:" + profile,
                "touchpoint:gateway:visitor-id:a:" + anon).await().atMost(Duration.ofSeconds(10)).toLong() == 2);
        awaitVariant(key, Map.of("anonymousId", anon), "member");

        events().publish(Topic.ERASURES, profile, EventTypes.PROFILE_ERASURE_REQUESTED,
                new ProfileErasureRequested(UUID.randomUUID().toString(), profile, List.of(), Instant.now()));
        await().atMost(WAIT).until(() -> decide(key, Map.of("anonymousId", anon)).then().extract().path("variant") == null);
        await().atMost(WAIT).until(() -> redis.execute("EXISTS", "touchpoint:gateway:visitor-id:a:" + anon)
                .await().atMost(Duration.ofSeconds(10)).toLong() == 0);
        assertTrue(pool.withConnection(sql -> memberships.segmentsOf(sql, profile)).await().atMost(Duration.ofSeconds(10)).isEmpty());
    }

    @Test
    void aReturningVisitorIsAnsweredFromMemoryAndForgottenTheMomentTheirProfileChanges() {
        String key = "greeting-" + shortId();
        publishPlacement(key, Map.of("name", "Greeting", "contentType", "html", "variants", List.of(
                variant("member", 1, Map.of("inSegment", "lifecycle-active-customer"), "<p>Hi {{ profile.firstName }}</p>"))));
        String anon = "anon-" + UUID.randomUUID();
        String profile = "p-" + UUID.randomUUID();
        publishProfile(profile, 1, Map.of("firstName", "Ann"), Map.of(), Map.of("anonymousId", List.of(anon)));
        publishMembership(profile, "lifecycle-active-customer", true, Instant.now());
        await().atMost(WAIT).until(() -> "<p>Hi Ann</p>".equals(decide(key, Map.of("anonymousId", anon)).then().statusCode(200)
                .extract().path("content")));

        // Gone from Redis behind the gateway's back (no announcement): the gateway still knows the visitor,
        // for longer than three heartbeats (the memory stays in use while they are heard).
        redis.execute("UNLINK", "touchpoint:gateway:visitor:" + profile, "touchpoint:gateway:visitor-id:a:" + anon)
                .await().atMost(Duration.ofSeconds(10));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> "<p>Hi Ann</p>".equals(
                decide(key, Map.of("anonymousId", anon)).then().statusCode(200).extract().path("content")));

        // A change written to Redis is announced and forgotten at once, far within the memory's bound (10 minutes here).
        publishProfile(profile, 2, Map.of("firstName", "Bea"), Map.of(), Map.of("anonymousId", List.of(anon)));
        await().atMost(Duration.ofSeconds(20)).until(() -> decide(key, Map.of("anonymousId", anon)).then().statusCode(200)
                .extract().path("variant") == null);
        Instant back = Instant.now();
        publishMembership(profile, "lifecycle-active-customer", true, back);
        await().atMost(Duration.ofSeconds(20)).until(() -> "<p>Hi Bea</p>".equals(decide(key, Map.of("anonymousId", anon))
                .then().statusCode(200).extract().path("content")));
        publishMembership(profile, "lifecycle-active-customer", false, back.plusSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> decide(key, Map.of("anonymousId", anon)).then().statusCode(200)
                .extract().path("variant") == null);
    }

    @Test
    void decisionsAndTheirRefusalsAreRecordedAsHttpRequestsOfThePlacementPath() {
        String key = "metered-" + shortId();
        publishPlacement(key, Map.of("name", "Metered", "contentType", "html", "variants", List.of(
                Map.of("key", "default", "priority", 0, "content", "<p>Hello</p>"))));
        decide(key, Map.of("anonymousId", "metered-" + UUID.randomUUID())).then().statusCode(200);
        given().header("Authorization", Gateway.basic("tpk_wrong")).queryParam("anonymousId", "x")
                .get("/v1/content/{key}", key).then().statusCode(401);
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                    && l.contains("uri=\"/v1/content/{placement}\"") && l.contains("status=\"200\"")), "answered decisions");
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                    && l.contains("uri=\"/v1/content/{placement}\"") && l.contains("status=\"401\"")), "refusals");
        });
    }

    // --- helpers ---

    private static Map<String, Object> variant(String key, int priority, Map<String, Object> rule, Object content) {
        return rule == null ? Map.of("key", key, "priority", priority, "content", content)
                : Map.of("key", key, "priority", priority, "rule", rule, "content", content);
    }

    private void publishPlacement(String key, Map<String, Object> definition) {
        admin().contentType("application/json").body(Gateway.json(definition)).put("/v1/placements/{key}", key)
                .then().statusCode(201);
        admin().post("/v1/placements/{key}/publish", key).then().statusCode(200).body("version", equalTo(1));
    }

    private void publishProfile(String profileId, long version, Map<String, Object> traits, Map<String, Object> computed,
            Map<String, List<String>> identifiers) {
        events().publish(Topic.PROFILE_CHANGES, profileId, EventTypes.PROFILE_CHANGED, new ProfileChanged(profileId, version,
                Set.of("traits"), traits, computed, List.of(), Map.of(), List.of(), null, Instant.now(), identifiers));
    }

    private void publishMembership(String profileId, String segmentId, boolean entered, Instant at) {
        events().publish(Topic.SEGMENT_MEMBERSHIPS, profileId, EventTypes.SEGMENT_MEMBERSHIP_CHANGED,
                new SegmentMembershipChanged(profileId, segmentId, 1, entered, at));
    }

    private io.restassured.response.Response decide(String key, Map<String, String> params) {
        RequestSpecification request = given().header("Authorization", Gateway.basic(WRITE_KEY));
        params.forEach(request::queryParam);
        return request.get("/v1/content/{key}", key);
    }

    private void awaitVariant(String key, Map<String, String> params, String variant) {
        await().atMost(WAIT).until(() -> variant.equals(decide(key, params).then().statusCode(200).extract().path("variant")));
    }

    private io.restassured.response.Response reportEvent(String key, Map<String, Object> body) {
        return given().header("Authorization", Gateway.basic(WRITE_KEY)).contentType("application/json")
                .body(Gateway.json(body)).post("/v1/content/{key}/events", key);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", bearer("admin"));
    }

    private String bearer(String role) {
        return new TestTokens(privateKey, issuer).bearer(role);
    }

    private TestEvents events() {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        return events;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
