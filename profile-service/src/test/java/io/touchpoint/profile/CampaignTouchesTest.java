package io.touchpoint.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * Each profile's first touch and latest campaign, from the page context of the interactions that
 * arrive through the real broker: read back through the API and from the published changes, which
 * also carry the identifiers that resolve to the profile.
 */
@QuarkusTest
class CampaignTouchesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    @Test
    void theFirstTouchIsTheEarliestVisitAndTheLatestCampaignTheNewestThatWasNotDirect() {
        String anon = "anon-" + UUID.randomUUID();
        Instant t = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        send(page(anon, "https://bet.example/odds?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=toto+jackpot",
                "https://www.google.fi/", null, t));
        JsonPath p = awaitProfile(anon, j -> j.getInt("computed.eventCount") == 1);
        assertEquals("paid", p.getString("computed.firstTouchChannel"));
        assertEquals("toto jackpot", p.getString("computed.firstTouchTerm"));
        assertEquals("paid", p.getString("computed.latestTouchChannel"));
        assertEquals(t.toString(), p.getString("computed.latestTouchAt"));

        // A direct visit later leaves the campaign that brought the person; a social referral replaces it.
        send(page(anon, "https://bet.example/", null, null, t.plus(1, ChronoUnit.DAYS)));
        send(track(anon, "Registration Started", Map.of("page", Map.of("url", "https://bet.example/register",
                "referrer", "https://l.instagram.com/"), "campaign", Map.of("name", "tipster-week", "source", "instagram",
                        "medium", "influencer")), t.plus(2, ChronoUnit.DAYS)));
        p = awaitProfile(anon, j -> j.getInt("computed.eventCount") == 3);
        assertEquals("social", p.getString("computed.latestTouchChannel"));
        assertEquals("instagram", p.getString("computed.latestTouchSource"));
        assertEquals("tipster-week", p.getString("computed.latestTouchCampaign"));
        assertEquals("/register", p.getString("computed.latestTouchPage"));
        assertNull(p.get("computed.latestTouchTerm"), "a touch is written whole: no part of the older one stays");
        assertEquals("paid", p.getString("computed.firstTouchChannel"));

        // An older visit that arrives late becomes the first touch; a step inside the site is no touch.
        send(page(anon, "https://bet.example/tips", "https://tipster-blog.example/post", null, t.minus(1, ChronoUnit.DAYS)));
        send(page(anon, "https://bet.example/tips", "https://bet.example/", null, t.plus(3, ChronoUnit.DAYS)));
        p = awaitProfile(anon, j -> j.getInt("computed.eventCount") == 5);
        assertEquals("referral", p.getString("computed.firstTouchChannel"));
        assertEquals("tipster-blog.example", p.getString("computed.firstTouchSource"));
        assertEquals(t.minus(1, ChronoUnit.DAYS).toString(), p.getString("computed.firstTouchAt"));
        assertEquals("social", p.getString("computed.latestTouchChannel"));
    }

    @Test
    void aMergeKeepsTheEarlierFirstTouchAndTheLaterLatestAndTheChangeNamesEveryIdentifier() {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t = Instant.now().minus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        List<ProfileChanged> changes = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        readChanges(changes, reading);
        try {
            send(page(anon, "https://bet.example/?utm_source=newsletter&utm_medium=email", null, null, t));
            String anonymousProfile = awaitProfile(anon, j -> true).getString("id");
            send(identify(null, user, t.plus(1, ChronoUnit.DAYS), Map.of("page", Map.of("url", "https://bet.example/",
                    "referrer", "https://duckduckgo.com/?q=horse+racing"))));
            String userProfile = awaitProfileBy("userId", user, j -> true).getString("id");
            send(new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.ALIAS, user, null, anon, null, null,
                    null, null, null, null, null, null, t.plus(2, ChronoUnit.DAYS), null, null, Instant.now()));

            JsonPath merged = awaitProfileBy("userId", user, j -> j.getList("mergedProfileIds").contains(anonymousProfile));
            assertEquals(userProfile, merged.getString("id"));
            assertEquals("email", merged.getString("computed.firstTouchChannel"));
            assertEquals("search", merged.getString("computed.latestTouchChannel"));
            assertEquals("horse racing", merged.getString("computed.latestTouchTerm"));

            await().atMost(WAIT).until(() -> changes.stream().anyMatch(c -> c.profileId().equals(userProfile)
                    && c.mergedProfileIds() != null && c.mergedProfileIds().contains(anonymousProfile)));
            ProfileChanged change = changes.stream().filter(c -> c.profileId().equals(userProfile)
                    && c.mergedProfileIds().contains(anonymousProfile)).findFirst().orElseThrow();
            assertEquals(List.of(user), change.identifiers().get("userId"));
            assertTrue(change.identifiers().get("anonymousId").contains(anon), change.identifiers().toString());
            assertEquals("email", change.computed().get("firstTouchChannel"));
        } finally {
            reading.set(false);
        }
    }

    /** Reads every profile change from the beginning into {@code into} until {@code reading} turns false. */
    private void readChanges(List<ProfileChanged> into, AtomicBoolean reading) {
        Thread reader = new Thread(() -> {
            try (var consumer = new KafkaConsumer<String, byte[]>(Map.of("bootstrap.servers", bootstrap, "group.id",
                    "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topic.PROFILE_CHANGES.topicName()));
                while (reading.get()) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> into.add(EventJson.read(r.value(), ProfileChanged.class)));
                }
            }
        }, "profile-changes-reader");
        reader.setDaemon(true);
        reader.start();
    }

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

    private static Interaction page(String anon, String url, String referrer, Map<String, Object> campaign, Instant at) {
        Map<String, Object> page = referrer == null ? Map.of("url", url) : Map.of("url", url, "referrer", referrer);
        Map<String, Object> context = campaign == null ? Map.of("page", page) : Map.of("page", page, "campaign", campaign);
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.PAGE, null, anon, null, null, null, "Page",
                null, Map.of("url", url), null, context, null, at, null, null, Instant.now());
    }

    private static Interaction track(String anon, String event, Map<String, Object> context, Instant at) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.TRACK, null, anon, null, null, event,
                null, null, Map.of(), null, context, null, at, null, null, Instant.now());
    }

    private static Interaction identify(String anon, String user, Instant at, Map<String, Object> context) {
        return new Interaction(UUID.randomUUID().toString(), "src-test", Interaction.IDENTIFY, user, anon, null, null, null,
                null, null, null, Map.of("plan", "basic"), context, null, at, null, null, Instant.now());
    }

    private JsonPath awaitProfile(String anon, Predicate<JsonPath> condition) {
        return awaitProfileBy("anonymousId", anon, condition);
    }

    private JsonPath awaitProfileBy(String by, String value, Predicate<JsonPath> condition) {
        JsonPath[] result = new JsonPath[1];
        await().atMost(WAIT).until(() -> {
            var response = given().header("Authorization", new TestTokens(privateKey, issuer).bearer("marketer"))
                    .queryParam(by, value).get("/v1/profiles");
            if (response.statusCode() != 200) {
                return false;
            }
            result[0] = response.jsonPath();
            return condition.test(result[0]);
        });
        return result[0];
    }
}
