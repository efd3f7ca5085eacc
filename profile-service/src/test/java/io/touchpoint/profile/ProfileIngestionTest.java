package io.touchpoint.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.devstack.testing.RedisOutage;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * Interactions arrive through the real broker, as the gateway publishes them, and the master
 * profile is checked through the API and the database.
 */
@QuarkusTest
class ProfileIngestionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @Inject
    AgroalDataSource jdbc;
    @ConfigProperty(name = "touchpoint.devstack.dir")
    String devstackDir;

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void anonymousPageViewsThenIdentifyMakeOneProfileWithTheHistory() {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        send(page(anon, null, "Home", t));
        send(page(anon, null, "Odds", t.plusSeconds(60)));
        send(identify(anon, user, Map.of("email", "Ada@Example.com", "firstName", "Ada"), t.plusSeconds(120)));

        JsonPath profile = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 3);
        String id = profile.getString("id");
        assertEquals(id, profileBy("anonymousId", anon).getString("id"));
        assertEquals(id, profileBy("email", "ada@example.com").getString("id"));
        assertEquals("Ada", profile.getString("traits.firstName"));
        assertEquals(t.toString(), profile.getString("firstSeen"));
        given().header("Authorization", marketer()).get("/v1/profiles/{id}/events", id)
                .then().statusCode(200)
                .body("items", hasSize(3))
                .body("items.type", containsInAnyOrder("page", "page", "identify"))
                .body("items[0].type", equalTo("identify"));
    }

    @Test
    void twoUserIdsNeverMergeEvenOnOneDevice() {
        String anon = "anon-" + UUID.randomUUID();
        String first = "user-" + UUID.randomUUID();
        String second = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        send(identify(anon, first, Map.of("email", "shared-" + anon + "@example.com"), t));
        awaitProfile("userId", first, p -> true);
        send(identify(anon, second, Map.of("email", "shared-" + anon + "@example.com"), t.plusSeconds(5)));
        JsonPath secondProfile = awaitProfile("userId", second, p -> true);
        JsonPath firstProfile = profileBy("userId", first);

        assertNotEquals(firstProfile.getString("id"), secondProfile.getString("id"));
        assertEquals(firstProfile.getString("id"), profileBy("anonymousId", anon).getString("id"));
        assertEquals(List.of(first), firstProfile.getList("identifiers.findAll { it.type == 'userId' }.value"));
        assertEquals(List.of(second), secondProfile.getList("identifiers.findAll { it.type == 'userId' }.value"));
    }

    @Test
    void anAliasMergesTheAnonymousProfileAndItsOldIdKeepsResolving() {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(900).truncatedTo(ChronoUnit.MILLIS);
        send(track(anon, null, "Banner Clicked", Map.of(), t));
        String anonymousProfile = awaitProfile("anonymousId", anon, p -> true).getString("id");
        send(identify(null, user, Map.of("plan", "gold"), t.plusSeconds(10)));
        String userProfile = awaitProfile("userId", user, p -> true).getString("id");
        assertNotEquals(anonymousProfile, userProfile);

        send(new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.ALIAS, user, null, anon, null, null, null,
                null, null, null, null, null, t.plusSeconds(20), null, null, Instant.now()));

        JsonPath merged = awaitProfile("userId", user, p -> p.getList("mergedProfileIds").contains(anonymousProfile));
        assertEquals(userProfile, merged.getString("id"));
        assertEquals(3, merged.getInt("computed.eventCount")); // the click, the identify and the alias itself
        given().header("Authorization", marketer()).get("/v1/profiles/{id}", anonymousProfile)
                .then().statusCode(200).body("id", equalTo(userProfile));
    }

    @Test
    void theSameMessagesSentTwiceChangeNothing() throws Exception {
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(300).truncatedTo(ChronoUnit.MILLIS);
        List<Interaction> batch = List.of(identify(null, user, Map.of("plan", "basic"), t),
                track(null, user, "Bet Placed", Map.of("stake", 10), t.plusSeconds(1)),
                track(null, user, "Bet Placed", Map.of("stake", 5), t.plusSeconds(2)));
        batch.forEach(this::send);
        JsonPath before = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 3);

        batch.forEach(this::send);
        // A marker sent after the repeats, on the same partition, proves the repeats were consumed.
        Interaction marker = track(null, user, "Marker", Map.of(), t.plusSeconds(3));
        send(marker);
        JsonPath after = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 4);

        assertEquals(before.getLong("version") + 1, after.getLong("version"));
        assertEquals(2, after.getInt("computed.orderCount"));
        assertEquals(15, after.getInt("computed.lifetimeValue"));
        assertEquals(4L, count("SELECT count(*) FROM profile_event WHERE profile_id = '" + after.getString("id") + "'"));
    }

    @Test
    void journeyServiceSetsTraitsOnTheProfileItNamesAndNoOtherSourceCan() {
        String user = "user-" + UUID.randomUUID();
        String id = profileOnFreePlan(user);
        Map<String, Object> addressed = Map.of("touchpoint", Map.of("profileId", id));
        Interaction fromJourney = new Interaction(UUID.randomUUID().toString(), Interaction.JOURNEY_SOURCE, Interaction.IDENTIFY,
                null, null, null, null, null, null, null, null, Map.of("offerOutcome", "shipped"), addressed, null, Instant.now(),
                null, null, Instant.now());
        Interaction forged = new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.IDENTIFY, null,
                "anon-" + UUID.randomUUID(), null, null, null, null, null, null, Map.of("plan", "forged"), addressed, null,
                Instant.now(), null, null, Instant.now());
        events().publish(Topic.INTERACTIONS, id, EventTypes.INTERACTION, forged, forged.messageId());
        events().publish(Topic.INTERACTIONS, id, EventTypes.INTERACTION, fromJourney, fromJourney.messageId());
        events().publish(Topic.INTERACTIONS, id, EventTypes.INTERACTION, fromJourney, fromJourney.messageId());
        JsonPath profile = awaitProfile("userId", user, p -> "shipped".equals(p.getString("traits.offerOutcome")));
        assertEquals("free", profile.getString("traits.plan"), "a tracked call cannot address a profile by id");
        assertEquals(Interaction.JOURNEY_SOURCE, profile.getString("traitSources.offerOutcome.source"));
    }

    @Test
    void anOpenTheGatewayReportsCountsOnTheProfileItAddressesAndOnlyTheGatewayMayAddressOne() {
        String user = "user-" + UUID.randomUUID();
        String id = profileOnFreePlan(user);
        Map<String, Object> addressed = Map.of("touchpoint", Map.of("profileId", id));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Interaction opened = new Interaction(UUID.randomUUID().toString(), Interaction.GATEWAY_SOURCE, Interaction.TRACK, null,
                null, null, null, "Email Opened", null, null, Map.of("deliveryId", "d-" + UUID.randomUUID(), "machine", false),
                null, addressed, null, at, at, at, at);
        Interaction forged = new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.TRACK, null,
                "anon-" + UUID.randomUUID(), null, null, "Email Opened", null, null, Map.of(), null, addressed, null, at, null,
                null, at);
        events().publish(Topic.INTERACTIONS, id, EventTypes.INTERACTION, forged, forged.messageId());
        events().publish(Topic.INTERACTIONS, id, EventTypes.INTERACTION, opened, opened.messageId());
        events().publish(Topic.INTERACTIONS, id, EventTypes.INTERACTION, opened, opened.messageId());
        // The identify and the open, once.
        awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 2);
        given().header("Authorization", marketer()).get("/v1/profiles/{id}/events", id)
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.messageId", hasItem(opened.messageId()))
                .body("items.messageId", not(hasItem(forged.messageId())))
                .body("items.find { it.messageId == '" + opened.messageId() + "' }.event", equalTo("Email Opened"));
    }

    @Test
    void aLateTraitUpdateNeverOverwritesANewerValue() {
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
        send(identify(null, user, Map.of("plan", "gold", "city", "Turku"), t.plusSeconds(100)));
        awaitProfile("userId", user, p -> "gold".equals(p.getString("traits.plan")));
        send(identify(null, user, Map.of("plan", "silver", "age", 41), t));

        JsonPath profile = awaitProfile("userId", user, p -> p.get("traits.age") != null);
        assertEquals("gold", profile.getString("traits.plan"));
        assertEquals(41, profile.getInt("traits.age"));
        assertEquals(t.plusSeconds(100).toString(), profile.getString("traitSources.plan.at"));
        assertEquals("src-test", profile.getString("traitSources.plan.source"));
    }

    @Test
    void consentWithdrawnByAnEventShowsInTheApiWithItsHistory() {
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(1200).truncatedTo(ChronoUnit.MILLIS);
        send(track(null, user, "Newsletter Subscribed", Map.of(), t));
        send(track(null, user, "Consent Updated",
                Map.of("channel", "email", "topic", "newsletter", "status", "withdrawn", "proof", "unsubscribe link"),
                t.plusSeconds(60)));
        String id = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 2).getString("id");

        given().header("Authorization", marketer()).get("/v1/profiles/{id}/consent", id)
                .then().statusCode(200)
                .body("current", hasSize(1))
                .body("current[0].channel", equalTo("email"))
                .body("current[0].topic", equalTo("newsletter"))
                .body("current[0].status", equalTo("withdrawn"))
                .body("current[0].proof.text", equalTo("unsubscribe link"))
                .body("history.status", equalTo(List.of("granted", "withdrawn")))
                .body("history[0].at", equalTo(t.toString()));
    }

    @Test
    void purchasesRefundsAndBonusPointsBecomeComputedAttributes() {
        String user = "user-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(track(null, user, "Signed Up", Map.of(), now.minus(500, ChronoUnit.DAYS)));
        send(track(null, user, "Order Completed", Map.of("revenue", 100, "priceGroup", 1), now.minus(400, ChronoUnit.DAYS)));
        send(track(null, user, "Order Completed", Map.of("revenue", 40.5, "priceGroup", 3), now.minus(10, ChronoUnit.DAYS)));
        send(track(null, user, "Order Completed", Map.of("revenue", 60, "priceGroup", 1), now.minus(5, ChronoUnit.DAYS)));
        send(track(null, user, "Product Returned", Map.of("revenue", 20), now.minus(2, ChronoUnit.DAYS)));
        send(track(null, user, "Bonus Redeemed", Map.of("points", 30), now.minus(1, ChronoUnit.DAYS)));

        JsonPath p = awaitProfile("userId", user, x -> x.getInt("computed.eventCount") == 6);
        assertEquals(3, p.getInt("computed.orderCount"));
        assertEquals(200.5, p.getDouble("computed.revenue"), 1e-9);
        assertEquals(180.5, p.getDouble("computed.lifetimeValue"), 1e-9);
        assertEquals(80.5, p.getDouble("computed.trailing12MonthValue"), 1e-9);
        // Each day's amount leaves the trailing value 365 days later, at UTC midnight; the 400-day-old one is gone.
        java.util.function.Function<Integer, String> leaves = daysAgo -> now.minus(daysAgo, ChronoUnit.DAYS)
                .atOffset(java.time.ZoneOffset.UTC).toLocalDate().plusDays(365).toString();
        Map<String, Object> expiring = p.getMap("computed.trailing12MonthValueExpiring");
        assertEquals(java.util.Set.of(leaves.apply(10), leaves.apply(5), leaves.apply(2)), expiring.keySet());
        assertEquals(40.5, ((Number) expiring.get(leaves.apply(10))).doubleValue(), 1e-9);
        assertEquals(60, ((Number) expiring.get(leaves.apply(5))).doubleValue(), 1e-9);
        assertEquals(-20, ((Number) expiring.get(leaves.apply(2))).doubleValue(), 1e-9);
        assertEquals(1, p.getInt("computed.returnCount"));
        assertEquals(160, p.getInt("computed.bonusPointsEarned"));
        assertEquals(130, p.getInt("computed.bonusPoints"));
        assertEquals(500, p.getInt("computed.tenureDays"));
        assertEquals(now.minus(5, ChronoUnit.DAYS).toString(), p.getString("computed.lastPurchaseAt"));
    }

    @Test
    void everyChangeIsPublishedKeyedByProfileIdWithItsTrigger() {
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        Interaction bet = track(null, user, "Bet Placed", Map.of("stake", 7), t);
        send(bet);
        String id = awaitProfile("userId", user, p -> true).getString("id");

        try (var consumer = new KafkaConsumer<String, String>(Map.of("bootstrap.servers", bootstrap, "group.id",
                "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topic.PROFILE_CHANGES.topicName()));
            Map<String, ConsumerRecord<String, String>> found = new HashMap<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (id.equals(r.key())) {
                        found.put(r.key(), r);
                    }
                });
                return !found.isEmpty();
            });
            ConsumerRecord<String, String> record = found.get(id);
            assertEquals(EventTypes.PROFILE_CHANGED, CloudEventHeaders.get(record.headers(), CloudEventHeaders.TYPE));
            assertEquals(id, CloudEventHeaders.get(record.headers(), CloudEventHeaders.SUBJECT));
            ProfileChanged change = EventJson.read(record.value().getBytes(), ProfileChanged.class);
            assertEquals(1, change.version());
            assertEquals("Bet Placed", change.trigger().event());
            assertEquals(bet.messageId(), change.trigger().messageId());
            assertTrue(change.changed().contains("computed.orderCount"), change.changed().toString());
        }
    }

    @Test
    void eraseLeavesNoRowAboutThePerson() throws Exception {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        String email = "erase-" + UUID.randomUUID() + "@example.com";
        Instant t = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        send(track(anon, null, "Banner Clicked", Map.of(), t));
        String anonymousProfile = awaitProfile("anonymousId", anon, p -> true).getString("id");
        send(identify(null, user, Map.of("email", email), t.plusSeconds(1)));
        awaitProfile("userId", user, p -> true);
        send(new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.ALIAS, user, null, anon, null, null, null,
                null, null, null, null, null, t.plusSeconds(2), null, null, Instant.now()));
        send(track(null, user, "Newsletter Subscribed", Map.of(), t.plusSeconds(3)));
        String id = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 4).getString("id");

        String erasureId = given().header("Authorization", admin()).delete("/v1/profiles/{id}", id)
                .then().statusCode(202).header("Location", notNullValue())
                .body("status", equalTo("accepted")).extract().path("erasureId");
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", admin()).get("/v1/erasures/{id}", erasureId)
                .then().statusCode(200).body("status", equalTo("completed")));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", admin())
                .get("/v1/erasure-receipts/{id}", erasureId).then().statusCode(200));

        String ids = "('" + id + "','" + anonymousProfile + "')";
        for (String sql : List.of("SELECT count(*) FROM profile WHERE id IN " + ids,
                "SELECT count(*) FROM identifier WHERE profile_id IN " + ids + " OR value IN ('" + anon + "','" + user + "','" + email + "')",
                "SELECT count(*) FROM profile_alias WHERE merged_id IN " + ids + " OR profile_id IN " + ids,
                "SELECT count(*) FROM merge_audit WHERE survivor_id IN " + ids + " OR merged_id IN " + ids
                        + " OR identifiers::text LIKE '%" + anon + "%'",
                "SELECT count(*) FROM consent WHERE profile_id IN " + ids,
                "SELECT count(*) FROM consent_history WHERE profile_id IN " + ids,
                "SELECT count(*) FROM profile_event WHERE profile_id IN " + ids + " OR payload::text LIKE '%" + user + "%'",
                "SELECT count(*) FROM event_daily WHERE profile_id IN " + ids,
                "SELECT count(*) FROM outbox WHERE payload::text LIKE '%" + user + "%' OR record_key IN " + ids,
                "SELECT count(*) FROM erasure_job WHERE requested_by LIKE '%" + user + "%'")) {
            assertEquals(0L, count(sql), sql);
        }
        given().header("Authorization", admin()).get("/v1/profiles/{id}", id).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void anErasedPersonsInteractionsReplayedFromTheTopicNeverBringThemBack() throws Exception {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        String email = "replay-" + UUID.randomUUID() + "@example.com";
        Instant t = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        List<Interaction> history = List.of(
                page(anon, null, "Home", t),
                identify(anon, user, Map.of("email", email), t.plusSeconds(1)),
                track(anon, user, "Bet Placed", Map.of("stake", 10), t.plusSeconds(2)));
        history.forEach(this::send);
        String id = awaitProfile("userId", user, p -> p.getInt("computed.eventCount") == 3).getString("id");

        String erasureId = given().header("Authorization", admin()).delete("/v1/profiles/{id}", id)
                .then().statusCode(202).extract().path("erasureId");
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", admin())
                .get("/v1/erasure-receipts/{id}", erasureId).then().statusCode(200));

        // The same records again, as a consumer reading the topic from its earliest offset gets them.
        history.forEach(this::send);
        // The person visits again afterwards, on the same device (same partition, so it is applied
        // after the replayed records): that is a new visitor, who knows nothing of the old history.
        send(page(anon, null, "Back", Instant.now()));
        var fresh = awaitProfile("anonymousId", anon, p -> true);
        assertNotEquals(id, fresh.getString("id"));
        assertEquals(1, fresh.getInt("computed.eventCount"), "none of the replayed events was applied");
        given().header("Authorization", marketer()).queryParam("userId", user).get("/v1/profiles").then().statusCode(404);
        given().header("Authorization", marketer()).queryParam("email", email).get("/v1/profiles").then().statusCode(404);
        assertEquals(0L, count("SELECT count(*) FROM identifier WHERE value IN ('" + user + "','" + email + "')"));
        assertEquals(0L, count("SELECT count(*) FROM profile_event WHERE payload::text LIKE '%" + user + "%'"));
        assertEquals(0L, count("SELECT count(*) FROM outbox WHERE payload::text LIKE '%" + user + "%'"));
    }

    @Test
    void aFrozenRedisDoesNotTouchTheMasterProfile() throws Exception {
        String user = "user-" + UUID.randomUUID();
        try (RedisOutage outage = RedisOutage.of(Path.of(devstackDir)).begin()) {
            send(identify(null, user, Map.of("plan", "gold"), Instant.now()));
            awaitProfile("userId", user, p -> "gold".equals(p.getString("traits.plan")));
            given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    @Test
    void theApiAnswersBadInputWithProblems() {
        String user = "user-" + UUID.randomUUID();
        send(identify(null, user, Map.of("plan", "gold"), Instant.now().minusSeconds(5)));
        String id = awaitProfile("userId", user, p -> true).getString("id");

        given().header("Authorization", marketer()).contentType("application/json").body("{}")
                .patch("/v1/profiles/{id}/traits", id)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("body"));
        given().header("Authorization", marketer()).contentType("application/json")
                .body("{\"timeZone\":\"Mars/Olympus\",\"quietHours\":{\"start\":\"25:00\",\"end\":\"08:00\"},"
                        + "\"channelOrder\":[\"email\",\"pigeon\"]}")
                .put("/v1/profiles/{id}/preferences", id)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("timeZone", "quietHours.start", "channelOrder[1]"));
        given().header("Authorization", marketer()).contentType("application/json")
                .body("{\"channel\":\"email\",\"status\":\"maybe\"}")
                .put("/v1/profiles/{id}/consent", id)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("status"));
        given().header("Authorization", marketer()).contentType("application/json").body("{\"plan\":")
                .patch("/v1/profiles/{id}/traits", id)
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", marketer()).get("/v1/profiles/{id}", "nobody")
                .then().statusCode(404).contentType("application/problem+json").body("detail", equalTo("No profile nobody."));
        given().header("Authorization", marketer()).get("/v1/profiles?limit=0")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        given().header("Authorization", tokens().bearer("analyst")).get("/v1/profiles/{id}", id)
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", marketer()).delete("/v1/profiles/{id}", id)
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void marketersEditTraitsPreferencesAndConsentThroughTheApi() {
        String user = "user-" + UUID.randomUUID();
        send(identify(null, user, Map.of("plan", "gold", "segmentCode", "A1"), Instant.now().minusSeconds(5)));
        String id = awaitProfile("userId", user, p -> true).getString("id");

        given().header("Authorization", marketer()).contentType("application/merge-patch+json")
                .body("{\"plan\":\"platinum\",\"segmentCode\":null}")
                .patch("/v1/profiles/{id}/traits", id)
                .then().statusCode(200).body("traits.plan", equalTo("platinum"))
                .body("traits", not(hasItem("segmentCode")))
                .body("traitSources.plan.source", equalTo("api:test-marketer"));
        given().header("Authorization", marketer()).contentType("application/json")
                .body("{\"channelOrder\":[\"sms\",\"email\"],\"timeZone\":\"Europe/Helsinki\",\"locale\":\"fi-FI\","
                        + "\"quietHours\":{\"start\":\"21:00\",\"end\":\"08:00\"}}")
                .put("/v1/profiles/{id}/preferences", id)
                .then().statusCode(200).body("preferences.channelOrder", equalTo(List.of("sms", "email")))
                .body("preferences.timeZone", equalTo("Europe/Helsinki"))
                .body("preferences.quietHours.start", equalTo("21:00"));
        given().header("Authorization", marketer()).contentType("application/json")
                .body("{\"channel\":\"sms\",\"topic\":\"jackpot\",\"status\":\"granted\",\"proof\":{\"form\":\"signup-v2\"}}")
                .put("/v1/profiles/{id}/consent", id)
                .then().statusCode(200).body("current[0].channel", equalTo("sms"))
                .body("current[0].topic", equalTo("jackpot")).body("current[0].proof.form", equalTo("signup-v2"));
        given().header("Authorization", marketer()).get("/v1/profiles?trait.plan=platinum&limit=200")
                .then().statusCode(200).body("items.id", hasItem(id));
        // A misspelt identifier is refused, not taken as "list everyone".
        given().header("Authorization", marketer()).get("/v1/profiles?emial=ada@example.com")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("emial"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("trait.<name>"));
    }

    // ---- helpers

    private TestEvents events() {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        return events;
    }

    private void send(Interaction interaction) {
        events().publish(Topic.INTERACTIONS, interaction.partitionKey(), EventTypes.INTERACTION, interaction,
                interaction.messageId());
    }

    private static Interaction page(String anon, String user, String name, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.PAGE, user, anon, null, null, null, name,
                null, Map.of("path", "/" + name.toLowerCase()), null, Map.of("ip", "203.0.113.1"), null, at, null, null,
                Instant.now());
    }

    private static Interaction identify(String anon, String user, Map<String, Object> traits, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.IDENTIFY, user, anon, null, null, null,
                null, null, null, traits, null, null, at, null, null, Instant.now());
    }

    private static Interaction track(String anon, String user, String event, Map<String, Object> props, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.TRACK, user, anon, null, null, event,
                null, null, props, null, null, null, at, null, null, Instant.now());
    }

    /** The id of a new profile for {@code user}, with trait {@code plan} "free". */
    private String profileOnFreePlan(String user) {
        send(identify(null, user, Map.of("plan", "free"), Instant.now()));
        return awaitProfile("userId", user, p -> p.getString("id") != null).getString("id");
    }

    private JsonPath awaitProfile(String by, String value, java.util.function.Predicate<JsonPath> condition) {
        JsonPath[] result = new JsonPath[1];
        await().atMost(WAIT).until(() -> {
            var response = given().header("Authorization", marketer()).queryParam(by, value).get("/v1/profiles");
            if (response.statusCode() != 200) {
                return false;
            }
            result[0] = response.jsonPath();
            return condition.test(result[0]);
        });
        return result[0];
    }

    private JsonPath profileBy(String by, String value) {
        return given().header("Authorization", marketer()).queryParam(by, value).get("/v1/profiles")
                .then().statusCode(200).extract().jsonPath();
    }

    private long count(String sql) throws Exception {
        try (var c = jdbc.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private TestTokens tokens() {
        return new TestTokens(privateKey, issuer);
    }

    private String marketer() {
        return tokens().bearer("marketer");
    }

    private String admin() {
        return tokens().bearer("admin");
    }
}
