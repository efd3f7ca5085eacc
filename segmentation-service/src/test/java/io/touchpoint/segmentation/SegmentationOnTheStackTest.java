package io.touchpoint.segmentation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.segmentation.membership.messaging.FlipTimer;
import io.touchpoint.platform.time.AdjustableClock;
import io.touchpoint.segmentation.preset.domain.Presets;
import io.touchpoint.conditions.ConditionEvaluator;

/**
 * Segments on the real stack: definitions through the API, profile changes in from Kafka,
 * membership events out to Kafka, memberships read back through the API.
 */
@QuarkusTest
class SegmentationOnTheStackTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestEvents events;
    private static KafkaConsumer<String, String> consumer;
    private static final List<SegmentMembershipChanged> received = new ArrayList<>();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    FlipTimer timer;
    @Inject
    AdjustableClock clock;
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

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
            events = null;
        }
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
        received.clear();
    }

    // ---- helpers

    private String admin() {
        return new TestTokens(privateKey, issuer).bearer("admin");
    }

    private TestTokens tokens() {
        return new TestTokens(privateKey, issuer);
    }

    private void publish(ProfileChanged change) {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        events.publish(Topic.PROFILE_CHANGES, change.profileId(), EventTypes.PROFILE_CHANGED, change);
    }

    private static ProfileChanged change(String profileId, long version, Map<String, Object> traits) {
        return new ProfileChanged(profileId, version, Set.of("traits"), traits, Map.of(), List.of(), Map.of(), List.of(),
                null, Instant.now());
    }

    private static ProfileChanged.Trigger track(String messageId, String event, Instant at, Map<String, Object> props) {
        return new ProfileChanged.Trigger("src-test", messageId, "track", event, at, props);
    }

    private String createSegment(String json) {
        return given().header("Authorization", admin()).contentType(ContentType.JSON).body(json)
                .post("/v1/segments").then().statusCode(201).extract().path("id");
    }

    private static String active(String name, String condition) {
        return "{\"name\":\"" + name + "\",\"state\":\"active\",\"condition\":" + condition + "}";
    }

    /** Membership events seen so far for one profile and segment, in topic order. */
    private List<Boolean> transitions(String profileId, String segmentId) {
        synchronized (received) {
            if (consumer == null) {
                consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG, "segmentation-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
                consumer.subscribe(List.of(Topic.SEGMENT_MEMBERSHIPS.topicName()));
            }
            for (var record : consumer.poll(Duration.ofMillis(300))) {
                assertEquals(EventTypes.SEGMENT_MEMBERSHIP_CHANGED, CloudEventHeaders.get(record.headers(), CloudEventHeaders.TYPE));
                assertEquals("/touchpoint/segmentation-service", CloudEventHeaders.get(record.headers(), CloudEventHeaders.SOURCE));
                var event = EventJson.read(record.value().getBytes(), SegmentMembershipChanged.class);
                assertEquals(record.key(), event.profileId());
                received.add(event);
            }
            return received.stream().filter(e -> e.profileId().equals(profileId) && e.segmentId().equals(segmentId))
                    .map(SegmentMembershipChanged::entered).toList();
        }
    }

    private void awaitTransitions(String profileId, String segmentId, Boolean... expected) {
        await().atMost(WAIT).pollInSameThread()
                .untilAsserted(() -> assertEquals(List.of(expected), transitions(profileId, segmentId)));
    }

    private long rows(String sql, String param) throws Exception {
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---- definitions

    @Test
    void segmentsAreCreatedReadListedUpdatedAndDeleted() {
        String id = given().header("Authorization", admin()).contentType(ContentType.JSON).body("""
                {"name":"Gold customers","description":"plan is gold","tags":["vip"],
                 "condition":{"trait":"plan","operator":"equals","value":"gold"}}""")
                .post("/v1/segments").then().statusCode(201)
                .header("Location", containsString("/v1/segments/"))
                .body("state", equalTo("draft")).body("version", equalTo(1)).body("tags[0]", equalTo("vip"))
                .body("condition.trait", equalTo("plan")).body("createdAt", notNullValue())
                .extract().path("id");
        createSegment("{\"name\":\"Another\",\"condition\":{\"trait\":\"x\",\"operator\":\"exists\"}}");

        given().header("Authorization", tokens().bearer("analyst")).get("/v1/segments/{id}", id)
                .then().statusCode(200).body("name", equalTo("Gold customers")).body("size", equalTo(0));
        String next = given().header("Authorization", admin()).queryParam("limit", 1).get("/v1/segments")
                .then().statusCode(200).body("items.size()", equalTo(1)).body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        given().header("Authorization", admin()).queryParam("limit", 1).queryParam("cursor", next).get("/v1/segments")
                .then().statusCode(200).body("items.size()", equalTo(1)).body("items[0].id", not(equalTo(next)));

        given().header("Authorization", tokens().bearer("marketer")).contentType(ContentType.JSON).body("""
                {"name":"Gold customers","state":"active","condition":{"trait":"plan","operator":"in","value":["gold","platinum"]}}""")
                .put("/v1/segments/{id}", id).then().statusCode(200)
                .body("version", equalTo(2)).body("state", equalTo("active")).body("condition.operator", equalTo("in"));

        given().header("Authorization", admin()).delete("/v1/segments/{id}", id).then().statusCode(204);
        given().header("Authorization", admin()).get("/v1/segments/{id}", id).then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("No segment " + id + " exists."));
        given().header("Authorization", admin()).delete("/v1/segments/{id}", id).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void invalidDefinitionsAreProblemsNamingTheBadNodes() {
        given().header("Authorization", admin()).contentType(ContentType.JSON).body("""
                {"state":"live","condition":{"all":[
                  {"trait":"plan","operator":"equals","value":"gold"},
                  {"computed":"lifetimeValue","operator":"bigger","value":10},
                  {"event":"Bet Placed","count":{"operator":"at_least","value":2},"withinLastDays":1000},
                  {"inSegment":"no-such-segment"}]}}""")
                .post("/v1/segments").then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", equalTo(List.of("name", "state", "condition.all[1].operator",
                        "condition.all[2].withinLastDays", "condition.all[3].inSegment")))
                .body("errors[2].message", containsString("'bigger' is not one of"));
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(active("refs", "{\"not\":{\"inSegment\":\"no-such-segment\"}}"))
                .post("/v1/segments").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("condition.not.inSegment"))
                .body("errors[0].message", containsString("no-such-segment"));
        given().header("Authorization", admin()).contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/v1/segments").then().statusCode(400).body("errors[0].field", equalTo("condition"));
        given().header("Authorization", admin()).contentType(ContentType.JSON).body("{not json")
                .post("/v1/segments").then().statusCode(400).contentType("application/problem+json");
        // A misspelt member is named, not dropped: "descripton" would have saved a segment without its description.
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"typo\",\"descripton\":\"x\",\"condition\":{\"trait\":\"plan\",\"operator\":\"exists\"}}")
                .post("/v1/segments").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("descripton"))
                .body("errors[0].message", equalTo("is not a field here (condition, description, name, state, tags)"));
        given().header("Authorization", admin()).queryParam("limit", 0).get("/v1/segments")
                .then().statusCode(400).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void cyclesAreRefusedAndSegmentsInUseCannotBeDeletedOrArchived() {
        String a = createSegment(active("A", "{\"trait\":\"cycleA\",\"operator\":\"exists\"}"));
        String b = createSegment(active("B", "{\"inSegment\":\"" + a + "\"}"));
        String c = createSegment(active("C", "{\"all\":[{\"inSegment\":\"" + b + "\"}]}"));

        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(active("A", "{\"any\":[{\"inSegment\":\"" + c + "\"}]}"))
                .put("/v1/segments/{id}", a).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("condition"))
                .body("errors[0].message", containsString(a + " -> " + c + " -> " + b + " -> " + a));
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(active("A", "{\"inSegment\":\"" + a + "\"}"))
                .put("/v1/segments/{id}", a).then().statusCode(400)
                .body("errors[0].message", containsString(a + " -> " + a));

        given().header("Authorization", admin()).delete("/v1/segments/{id}", a).then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409))
                .body("detail", containsString("B (" + b + ")"));
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"A\",\"state\":\"archived\",\"condition\":{\"trait\":\"cycleA\",\"operator\":\"exists\"}}")
                .put("/v1/segments/{id}", a).then().statusCode(409).body("detail", containsString("B (" + b + ")"));

        given().header("Authorization", admin()).delete("/v1/segments/{id}", c).then().statusCode(204);
        given().header("Authorization", admin()).delete("/v1/segments/{id}", b).then().statusCode(204);
        given().header("Authorization", admin()).delete("/v1/segments/{id}", a).then().statusCode(204);
    }

    @Test
    void segmentApisNeedATokenAndTheRightRole() {
        given().contentType(ContentType.JSON).body("{}").post("/v1/segments").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        given().get("/v1/profiles/p/segments").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", tokens().bearer("analyst")).contentType(ContentType.JSON)
                .body(active("x", "{\"trait\":\"a\",\"operator\":\"exists\"}"))
                .post("/v1/segments").then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", tokens().bearer("analyst")).delete("/v1/segments/x").then().statusCode(403);
        given().header("Authorization", tokens().bearer("analyst")).get("/v1/segments").then().statusCode(200);
    }

    // ---- streaming evaluation

    @Test
    void aTraitSegmentIsEnteredAndLeftOncePerTransitionWhateverIsRedelivered() {
        String segment = createSegment(active("Gold or platinum",
                "{\"trait\":\"plan\",\"operator\":\"in\",\"value\":[\"gold\",\"platinum\"]}"));
        String profile = "p-" + UUID.randomUUID();
        ProfileChanged gold = change(profile, 1, Map.of("plan", "gold"));
        publish(gold);
        publish(gold);
        awaitTransitions(profile, segment, true);
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", admin())
                .get("/v1/profiles/{id}/segments", profile).then().statusCode(200)
                .body("segments.segmentId", hasItem(segment)));
        given().header("Authorization", admin()).get("/v1/segments/{id}/members", segment).then().statusCode(200)
                .body("items.profileId", hasItem(profile));
        given().header("Authorization", admin()).get("/v1/segments/{id}", segment).then().statusCode(200)
                .body("size", equalTo(1));

        publish(change(profile, 2, Map.of("plan", "silver")));
        awaitTransitions(profile, segment, true, false);
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", admin())
                .get("/v1/profiles/{id}/segments", profile).then().statusCode(200)
                .body("segments.segmentId", not(hasItem(segment))));

        // A stale version changes nothing; the next one proves it was consumed before.
        publish(gold);
        publish(change(profile, 3, Map.of("plan", "platinum")));
        awaitTransitions(profile, segment, true, false, true);
        var last = received.stream().filter(e -> e.profileId().equals(profile)).reduce((x, y) -> y).orElseThrow();
        assertEquals(1, last.segmentVersion());
    }

    @Test
    void anUnreadableChangeGoesToTheDeadLetterTopicAloneAndTheRestOfItsPollIsApplied() throws Exception {
        String tag = UUID.randomUUID().toString();
        String segment = createSegment(active("Poll " + tag, "{\"trait\":\"poll\",\"operator\":\"equals\",\"value\":\"" + tag + "\"}"));
        String first = "p-" + UUID.randomUUID();
        String second = "p-" + UUID.randomUUID();
        // One key, so one partition: the unreadable record and the two changes after it come in order, in one poll or two.
        String key = "poll-" + tag;
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), key, "{not json".getBytes(StandardCharsets.UTF_8)));
            for (String profile : List.of(first, second)) {
                producer.send(new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), key,
                        EventJson.write(change(profile, 1, Map.of("poll", tag)))));
            }
            producer.flush();
        }
        awaitTransitions(first, segment, true);
        awaitTransitions(second, segment, true);
        try (var deadLetters = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "segmentation-test-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            deadLetters.subscribe(List.of(Topic.DEAD_LETTERS.topicName()));
            List<String> keys = new ArrayList<>();
            await().atMost(WAIT).untilAsserted(() -> {
                deadLetters.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                assertEquals(1, keys.stream().filter(key::equals).count(), "the unreadable record, and only it, dead-lettered");
            });
        }
    }

    @Test
    void anEventWindowSegmentCountsEachInteractionOnceInsideTheWindow() {
        String segment = createSegment(active("Two football bets in 30 days", """
                {"event":"Bet Placed","where":{"market":"football"},"count":{"operator":"at_least","value":2},"withinLastDays":30}"""));
        String probe = createSegment(active("probe", "{\"trait\":\"eventStep\",\"operator\":\"gte\",\"value\":3}"));
        String profile = "p-" + UUID.randomUUID();
        Instant now = Instant.now();
        var football = Map.<String, Object>of("market", "football");
        var first = track("m-" + UUID.randomUUID(), "Bet Placed", now.minus(Duration.ofDays(1)), football);
        publish(withTrigger(change(profile, 1, Map.of("eventStep", 1)), first));
        publish(withTrigger(change(profile, 2, Map.of("eventStep", 2)),
                track("m-" + UUID.randomUUID(), "Bet Placed", now.minus(Duration.ofDays(40)), football)));
        publish(withTrigger(change(profile, 3, Map.of("eventStep", 3)),
                track("m-" + UUID.randomUUID(), "Bet Placed", now.minus(Duration.ofDays(2)), Map.of("market", "tennis"))));
        // The same interaction again (e.g. a retried tracking call): counted once.
        publish(withTrigger(change(profile, 4, Map.of("eventStep", 4)), first));
        awaitTransitions(profile, probe, true);
        assertEquals(List.of(), transitions(profile, segment));

        publish(withTrigger(change(profile, 5, Map.of("eventStep", 5)),
                track("m-" + UUID.randomUUID(), "Bet Placed", now.minus(Duration.ofDays(3)), football)));
        awaitTransitions(profile, segment, true);
    }

    private static ProfileChanged withTrigger(ProfileChanged c, ProfileChanged.Trigger t) {
        return new ProfileChanged(c.profileId(), c.version(), c.changed(), c.traits(), c.computed(), c.consents(),
                c.preferences(), c.mergedProfileIds(), t, c.occurredAt());
    }

    @Test
    void aSegmentOfSegmentsFollowsItsBaseInTheSamePass() {
        String base = createSegment(active("base", "{\"trait\":\"cascade\",\"operator\":\"equals\",\"value\":\"yes\"}"));
        String derived = createSegment(active("derived", "{\"all\":[{\"inSegment\":\"" + base
                + "\"},{\"trait\":\"cascadeLevel\",\"operator\":\"gt\",\"value\":1}]}"));
        String profile = "p-" + UUID.randomUUID();
        publish(change(profile, 1, Map.of("cascade", "yes", "cascadeLevel", 2)));
        awaitTransitions(profile, base, true);
        awaitTransitions(profile, derived, true);
        publish(change(profile, 2, Map.of("cascade", "no", "cascadeLevel", 2)));
        awaitTransitions(profile, base, true, false);
        awaitTransitions(profile, derived, true, false);
    }

    @Test
    void consentConditionsFollowGrantsAndTopicLevelWithdrawals() {
        String segment = createSegment(active("newsletter", "{\"consent\":{\"channel\":\"email\",\"topic\":\"newsletter\"}}"));
        String profile = "p-" + UUID.randomUUID();
        Instant now = Instant.now();
        var channelGrant = new ConsentState("email", "*", ConsentState.Status.GRANTED, false, now, "test");
        publish(new ProfileChanged(profile, 1, Set.of("consents"), Map.of(), Map.of(), List.of(channelGrant), Map.of(),
                List.of(), null, now));
        awaitTransitions(profile, segment, true);
        var withdrawn = new ConsentState("email", "newsletter", ConsentState.Status.WITHDRAWN, false, now, "test");
        publish(new ProfileChanged(profile, 2, Set.of("consents"), Map.of(), Map.of(), List.of(channelGrant, withdrawn),
                Map.of(), List.of(), null, now));
        awaitTransitions(profile, segment, true, false);
    }

    @Test
    void randomBucketsAreStablePerProfile() {
        String salt = "holdout-" + UUID.randomUUID();
        String bucket = createSegment(active("holdout", "{\"randomBucket\":{\"salt\":\"" + salt + "\",\"percent\":50}}"));
        String probe = createSegment(active("bucket probe", "{\"trait\":\"bucketProbe\",\"operator\":\"exists\"}"));
        List<String> profiles = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String p = "p-" + UUID.randomUUID();
            profiles.add(p);
            publish(change(p, 1, Map.of("bucketProbe", 1)));
            publish(change(p, 2, Map.of("bucketProbe", 2)));
        }
        for (String p : profiles) {
            awaitTransitions(p, probe, true);
            boolean expected = ConditionEvaluator.bucket(salt, p) < 5000;
            await().atMost(WAIT).untilAsserted(() -> assertEquals(expected, given().header("Authorization", admin())
                    .get("/v1/profiles/{id}/segments", p).then().statusCode(200)
                    .extract().jsonPath().getList("segments.segmentId").contains(bucket)));
            assertEquals(expected ? List.of(true) : List.of(), transitions(p, bucket));
        }
    }

    @Test
    void aNewSegmentIsComputedOverProfilesAlreadyKnown() throws Exception {
        String marker = UUID.randomUUID().toString();
        String inside = "p-" + UUID.randomUUID();
        String outside = "p-" + UUID.randomUUID();
        publish(change(inside, 1, Map.of("bulk", marker)));
        publish(change(outside, 1, Map.of("bulk", "other")));
        await().atMost(WAIT).until(() -> rows("SELECT count(*) FROM profile_snapshot WHERE profile_id = ?", inside)
                + rows("SELECT count(*) FROM profile_snapshot WHERE profile_id = ?", outside) == 2);

        String condition = "{\"trait\":\"bulk\",\"operator\":\"equals\",\"value\":\"" + marker + "\"}";
        given().header("Authorization", tokens().bearer("analyst")).contentType(ContentType.JSON)
                .body("{\"condition\":" + condition + ",\"sampleSize\":5}")
                .post("/v1/segments/preview").then().statusCode(200)
                .body("size", equalTo(1)).body("sample", equalTo(List.of(inside)));
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"condition\":{\"all\":[{\"trait\":\"bulk\"}]}}")
                .post("/v1/segments/preview").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("condition.all[0].operator"));

        String segment = createSegment(active("bulk", condition));
        awaitTransitions(inside, segment, true);
        given().header("Authorization", admin()).get("/v1/segments/{id}/explain/{p}", segment, inside)
                .then().statusCode(200).body("matches", equalTo(true)).body("member", equalTo(true))
                .body("trace.condition", equalTo("trait bulk equals " + marker)).body("trace.seen", equalTo(marker));
        given().header("Authorization", admin()).get("/v1/segments/{id}/explain/{p}", segment, outside)
                .then().statusCode(200).body("matches", equalTo(false)).body("trace.seen", equalTo("other"));
        given().header("Authorization", admin()).get("/v1/segments/{id}/explain/{p}", segment, "p-unknown")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", admin()).get("/v1/segments/{id}/members", segment).then().statusCode(200)
                .body("items.profileId", equalTo(List.of(inside))).body("items[0].enteredAt", notNullValue())
                .body("nextCursor", nullValue());
        assertEquals(List.of(), transitions(outside, segment));

        // A draft is not evaluated; activating it computes it.
        String draft = createSegment("{\"name\":\"later\",\"condition\":{\"trait\":\"bulk\",\"operator\":\"equals\",\"value\":\""
                + marker + "\"}}");
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(active("later", "{\"trait\":\"bulk\",\"operator\":\"equals\",\"value\":\"" + marker + "\"}"))
                .put("/v1/segments/{id}", draft).then().statusCode(200);
        awaitTransitions(inside, draft, true);
        // Archiving empties it.
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"later\",\"state\":\"archived\",\"condition\":{\"trait\":\"bulk\",\"operator\":\"exists\"}}")
                .put("/v1/segments/{id}", draft).then().statusCode(200).body("version", equalTo(3));
        awaitTransitions(inside, draft, true, false);
    }

    @Test
    void anErasureDeletesEverythingHeldAboutTheProfile() throws Exception {
        String segment = createSegment(active("erasure", "{\"trait\":\"erasureTest\",\"operator\":\"exists\"}"));
        String profile = "p-" + UUID.randomUUID();
        ProfileChanged history = withTrigger(change(profile, 1, Map.of("erasureTest", 1)),
                track("m-" + UUID.randomUUID(), "Signed Up", Instant.now(), Map.of()));
        publish(history);
        awaitTransitions(profile, segment, true);
        String erasureId = UUID.randomUUID().toString();
        events.publish(Topic.ERASURES, profile, EventTypes.PROFILE_ERASURE_REQUESTED,
                new ProfileErasureRequested(erasureId, profile, List.of(), Instant.now()));
        await().atMost(WAIT).until(() -> rows("SELECT count(*) FROM erasure_receipt WHERE erasure_id = ?", erasureId) == 1);
        for (String table : List.of("profile_snapshot", "profile_event", "membership", "membership_history")) {
            assertEquals(0, rows("SELECT count(*) FROM " + table + " WHERE profile_id = ?", profile), table);
        }
        given().header("Authorization", admin()).get("/v1/profiles/{id}/segments", profile).then().statusCode(200)
                .body("segments.size()", equalTo(0));
        // The profile's change read again from the topic (a replay, or one still in flight) must not
        // bring the person back.
        publish(history);
        await().atMost(WAIT).until(() -> events.consumedToTheEnd("segmentation-service", Topic.PROFILE_CHANGES));
        for (String table : List.of("profile_snapshot", "profile_event", "membership", "membership_history", "outbox")) {
            String column = table.equals("outbox") ? "record_key" : "profile_id";
            assertEquals(0, rows("SELECT count(*) FROM " + table + " WHERE " + column + " = ?", profile), table);
        }
    }

    @Test
    void aWindowSegmentIsLeftWhenTheWindowPassesWithoutAnyProfileChange() {
        String segment = createSegment(active("recent login", "{\"event\":\"Logged In\",\"withinLastDays\":5}"));
        String profile = "p-" + UUID.randomUUID();
        publish(withTrigger(change(profile, 1, Map.of()),
                track("m-" + UUID.randomUUID(), "Logged In", Instant.now().minus(Duration.ofDays(4)), Map.of())));
        awaitTransitions(profile, segment, true);
        try {
            // Nothing but the clock moves: the flip timer alone takes the profile out.
            clock.advance(Duration.ofDays(2));
            awaitTransitions(profile, segment, true, false);
        } finally {
            clock.reset();
        }
    }

    @Test
    void aThirtyDayWindowIsLeftExactlyAtItsBoundary() throws Exception {
        String segment = createSegment(active("bet in 30 days", "{\"event\":\"Bet Placed\",\"withinLastDays\":30}"));
        String profile = "p-" + UUID.randomUUID();
        Instant bet = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
        Instant boundary = bet.plus(Duration.ofDays(30));
        publish(withTrigger(change(profile, 1, Map.of()), track("m-" + UUID.randomUUID(), "Bet Placed", bet, Map.of())));
        awaitTransitions(profile, segment, true);
        await().atMost(WAIT).until(() -> boundary.equals(dueAt(profile, segment)));
        try {
            clock.freezeAt(boundary.minusMillis(1));
            timer.flipDue().await().atMost(WAIT);
            given().header("Authorization", admin()).get("/v1/segments/{id}/explain/{p}", segment, profile)
                    .then().statusCode(200).body("matches", equalTo(true)).body("member", equalTo(true))
                    .body("nextChangeAt", equalTo(boundary.toString()));
            assertEquals(List.of(true), transitions(profile, segment));

            clock.freezeAt(boundary);
            awaitTransitions(profile, segment, true, false);
            var exit = received.stream().filter(e -> e.profileId().equals(profile) && !e.entered()).findFirst().orElseThrow();
            assertEquals(boundary, exit.at());
            // Further ticks at the same instant find nothing left to flip.
            timer.flipDue().await().atMost(WAIT);
            assertEquals(null, dueAt(profile, segment));
            assertEquals(List.of(true, false), transitions(profile, segment));
        } finally {
            clock.reset();
        }
    }

    @Test
    void aWindowSegmentComputedInBulkAlsoFlipsAtItsBoundary() throws Exception {
        String profile = "p-" + UUID.randomUUID();
        String event = "Bulk Window " + UUID.randomUUID();
        Instant happened = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MILLIS);
        Instant boundary = happened.plus(Duration.ofDays(7));
        publish(withTrigger(change(profile, 1, Map.of()), track("m-" + UUID.randomUUID(), event, happened, Map.of())));
        await().atMost(WAIT).until(() -> rows("SELECT count(*) FROM profile_event WHERE profile_id = ?", profile) == 1);

        // The segment is created after the profile is known: only the bulk pass evaluates it.
        String segment = createSegment(active("bulk window", "{\"event\":\"" + event + "\",\"withinLastDays\":7}"));
        awaitTransitions(profile, segment, true);
        await().atMost(WAIT).until(() -> boundary.equals(dueAt(profile, segment)));
        try {
            clock.freezeAt(boundary);
            awaitTransitions(profile, segment, true, false);
        } finally {
            clock.reset();
        }
    }

    @Test
    void tenureAndTheTrailingTwelveMonthValueFlipOnTheClockAlone() throws Exception {
        String big = createSegment(active("t12m over 100", "{\"computed\":\"trailing12MonthValue\",\"operator\":\"gt\",\"value\":100}"));
        String veteran = createSegment(active("tenure over 30", "{\"computed\":\"tenureDays\",\"operator\":\"gt\",\"value\":30}"));
        String profile = "p-" + UUID.randomUUID();
        Instant now = Instant.now();
        Instant registered = now.minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.MILLIS);
        java.time.LocalDate leaves = now.atOffset(java.time.ZoneOffset.UTC).toLocalDate().plusDays(3);
        Instant drop = leaves.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant tenured = registered.plus(Duration.ofDays(31));
        // As profile-service publishes it: values as of now, plus when each day's purchases leave the window.
        Map<String, Object> computed = Map.of("registeredAt", registered.toString(), "tenureDays", 20,
                "trailing12MonthValue", 150, "trailing12MonthValueExpiring", Map.of(leaves.toString(), 80));
        publish(new ProfileChanged(profile, 1, Set.of("computed"), Map.of(), computed, List.of(), Map.of(), List.of(), null, now));
        awaitTransitions(profile, big, true);
        await().atMost(WAIT).until(() -> drop.equals(dueAt(profile, big)) && tenured.equals(dueAt(profile, veteran)));
        try {
            clock.freezeAt(drop.minusMillis(1));
            timer.flipDue().await().atMost(WAIT);
            assertEquals(List.of(true), transitions(profile, big));

            clock.freezeAt(drop);
            awaitTransitions(profile, big, true, false);
            var exit = received.stream().filter(e -> e.profileId().equals(profile) && e.segmentId().equals(big) && !e.entered())
                    .findFirst().orElseThrow();
            assertEquals(drop, exit.at());
            given().header("Authorization", admin()).get("/v1/segments/{id}/explain/{p}", big, profile)
                    .then().statusCode(200).body("matches", equalTo(false)).body("trace.seen", equalTo(70));

            assertEquals(List.of(), transitions(profile, veteran));
            clock.freezeAt(tenured);
            awaitTransitions(profile, veteran, true);
        } finally {
            clock.reset();
        }
    }

    private Instant dueAt(String profileId, String segmentId) throws Exception {
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                var s = c.prepareStatement("SELECT due_at FROM membership_due WHERE profile_id = ? AND segment_id = ?")) {
            s.setString(1, profileId);
            s.setString(2, segmentId);
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1, java.time.OffsetDateTime.class).toInstant() : null;
            }
        }
    }

    // ---- presets

    @Test
    void presetsInstallIdempotentlyAndRefuseBadSettings() {
        var first = given().header("Authorization", tokens().bearer("marketer")).contentType(ContentType.JSON)
                .body("{\"lifetimeValues\":[10,20,30,40,50,60]}").post("/v1/presets/margin-groups")
                .then().statusCode(200).body("preset", equalTo("margin-groups")).body("segments.size()", equalTo(14))
                .body("settings.trailing12MonthValues[0]", equalTo(50)).extract().jsonPath();
        List<Integer> versions = first.getList("segments.version");
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"lifetimeValues\":[10,20,30,40,50,60]}").post("/v1/presets/margin-groups")
                .then().statusCode(200).body("segments.version", equalTo(versions))
                .body("segments.id", equalTo(first.getList("segments.id")));
        given().header("Authorization", admin()).get("/v1/segments/{id}", "margin-lifetime-2").then().statusCode(200)
                .body("state", equalTo("active")).body("condition.all[0].value", equalTo(10));
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"activeMinBets\":0,\"betEvent\":\"\"}").post("/v1/presets/lifecycle")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("activeMinBets", "betEvent")));
        given().header("Authorization", admin()).contentType(ContentType.JSON).body("{}").post("/v1/presets/nps")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", tokens().bearer("analyst")).contentType(ContentType.JSON).body("{}")
                .post("/v1/presets/rfm").then().statusCode(403);
    }

    private static final List<String> STAGES = Presets.STAGES.stream().map(k -> Presets.id("lifecycle", k)).toList();

    /** A lifecycle-relevant change at simulated time {@code at}: registration date and the interaction behind it. */
    private void lifecycleChange(String profile, long version, Instant registeredAt, String event, Instant at) {
        Map<String, Object> computed = registeredAt == null ? Map.of() : Map.of("registeredAt", registeredAt.toString());
        var trigger = event == null ? null : track("m-" + UUID.randomUUID(), event, at, Map.of());
        publish(new ProfileChanged(profile, version, Set.of("computed"), Map.of("lifecycleTest", true), computed, List.of(),
                Map.of(), List.of(), trigger, at));
    }

    private void awaitStage(String profile, String stage) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<String> held = given().header("Authorization", admin()).get("/v1/profiles/{id}/segments", profile)
                    .then().statusCode(200).extract().jsonPath().<String>getList("segments.segmentId")
                    .stream().filter(STAGES::contains).toList();
            assertEquals(List.of(Presets.id("lifecycle", stage)), held, profile);
        });
    }

    /** The profile's stays in stages, oldest first: each must end exactly when the next begins, and the last is open. */
    private List<String> stageHistory(String profile) throws Exception {
        List<String> stays = new ArrayList<>();
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var st = c.prepareStatement("""
                SELECT segment_id, entered_at, exited_at FROM membership_history
                WHERE profile_id = ? AND segment_id = ANY(?) ORDER BY entered_at, id""")) {
            st.setString(1, profile);
            st.setArray(2, c.createArrayOf("text", STAGES.toArray()));
            try (var rs = st.executeQuery()) {
                java.time.OffsetDateTime previousExit = null;
                boolean open = false;
                while (rs.next()) {
                    assertTrue(!open, "a stage was entered while another was still held");
                    var entered = rs.getObject(2, java.time.OffsetDateTime.class);
                    var exited = rs.getObject(3, java.time.OffsetDateTime.class);
                    if (previousExit != null) {
                        assertEquals(previousExit.toInstant(), entered.toInstant(), "a gap or overlap between stages");
                    }
                    stays.add(rs.getString(1).substring("lifecycle-".length()));
                    previousExit = exited;
                    open = exited == null;
                }
                assertTrue(open, "the last stage is held now");
            }
        }
        return stays;
    }

    @Test
    void theLifecyclePresetMovesCustomersThroughEveryStageOverSimulatedMonths() throws Exception {
        given().header("Authorization", admin()).contentType(ContentType.JSON).body("{}").post("/v1/presets/lifecycle")
                .then().statusCode(200).body("segments.size()", equalTo(16)).body("settings.newCustomerDays", equalTo(60));
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        java.util.function.IntFunction<Instant> day = d -> t0.plus(Duration.ofDays(d));
        String walker = "p-walker-" + UUID.randomUUID();
        String neverBets = "p-never-" + UUID.randomUUID();
        String lapsesNew = "p-lapses-" + UUID.randomUUID();
        String lapsesActive = "p-active-" + UUID.randomUUID();
        try {
            clock.freezeAt(day.apply(0));
            lifecycleChange(walker, 1, null, null, day.apply(0));
            awaitStage(walker, "suspect");

            clock.freezeAt(day.apply(1));
            lifecycleChange(walker, 2, null, "Page Viewed", day.apply(1));
            awaitStage(walker, "prospect");

            clock.freezeAt(day.apply(2));
            for (String p : List.of(walker, neverBets, lapsesNew, lapsesActive)) {
                lifecycleChange(p, 3, day.apply(2), "Registration Completed", day.apply(2));
                awaitStage(p, "new-customer");
            }

            clock.freezeAt(day.apply(10));
            lifecycleChange(lapsesNew, 4, day.apply(2), "Bet Placed", day.apply(10));
            clock.freezeAt(day.apply(40));
            lifecycleChange(walker, 4, day.apply(2), "Bet Placed", day.apply(40));
            for (int i = 0; i < 4; i++) {
                lifecycleChange(lapsesActive, 4 + i, day.apply(2), "Bet Placed", day.apply(40).plusSeconds(i));
            }
            awaitStage(walker, "new-customer");
            // Every bet is in before the clock moves on; otherwise a stage would be decided on part of them.
            await().atMost(WAIT).until(() -> rows("SELECT count(*) FROM profile_event WHERE profile_id = ?", lapsesActive) == 5
                    && rows("SELECT count(*) FROM profile_event WHERE profile_id = ?", walker) == 3
                    && rows("SELECT count(*) FROM profile_event WHERE profile_id = ?", lapsesNew) == 2);

            // Sixty days after registering, with no profile change: the flip timer moves each on.
            clock.freezeAt(day.apply(62).plusSeconds(1));
            awaitStage(walker, "active-random");
            awaitStage(lapsesActive, "active-active");
            awaitStage(lapsesNew, "becoming-passive-from-new");
            awaitStage(neverBets, "passive-from-new");

            // Bets a few seconds apart; the clock stands after them (a bet stamped later would not count yet).
            clock.freezeAt(day.apply(63).plusSeconds(10));
            for (int i = 0; i < 3; i++) {
                lifecycleChange(walker, 5 + i, day.apply(2), "Bet Placed", day.apply(63).plusSeconds(i));
            }
            awaitStage(walker, "active-active");
            clock.freezeAt(day.apply(68).plusSeconds(10));
            for (int i = 0; i < 8; i++) {
                lifecycleChange(walker, 8 + i, day.apply(2), "Bet Placed", day.apply(68).plusSeconds(i));
            }
            awaitStage(walker, "active-top");

            clock.freezeAt(day.apply(98).plusSeconds(8));
            awaitStage(walker, "becoming-passive-from-top");
            awaitStage(lapsesActive, "becoming-passive-from-active");

            clock.freezeAt(day.apply(251).plusSeconds(8));
            awaitStage(walker, "passive-from-active");
            awaitStage(lapsesActive, "passive-from-active");
            awaitStage(lapsesNew, "passive-from-new");

            clock.freezeAt(day.apply(260));
            lifecycleChange(walker, 16, day.apply(2), "Bet Placed", day.apply(260));
            awaitStage(walker, "active-random");
            clock.freezeAt(day.apply(290));
            awaitStage(walker, "becoming-passive-from-random");
            clock.freezeAt(day.apply(443));
            awaitStage(walker, "passive-from-random");

            assertEquals(List.of("suspect", "prospect", "new-customer", "active-random", "active-active", "active-top",
                    "becoming-passive-from-top", "passive-from-active", "active-random", "becoming-passive-from-random",
                    "passive-from-random"), stageHistory(walker));
            assertEquals(List.of("new-customer", "becoming-passive-from-new", "passive-from-new"), stageHistory(lapsesNew));
            assertEquals(List.of("new-customer", "passive-from-new"), stageHistory(neverBets));
            assertEquals(List.of("new-customer", "active-active", "becoming-passive-from-active", "passive-from-active"),
                    stageHistory(lapsesActive));
            // The by-stage groups follow the stages.
            given().header("Authorization", admin()).get("/v1/profiles/{id}/segments", walker).then().statusCode(200)
                    .body("segments.segmentId", hasItem("lifecycle-passive"))
                    .body("segments.segmentId", not(hasItem("lifecycle-active-customer")));
            given().header("Authorization", admin()).get("/v1/segments/{id}/explain/{p}", "lifecycle-passive-from-random", walker)
                    .then().statusCode(200).body("matches", equalTo(true))
                    .body("trace.children[1].seen", equalTo("lifecycle-active-random"));
        } finally {
            clock.reset();
        }
    }

    @Test
    void aMergedAwayProfileLeavesItsSegments() {
        String segment = createSegment(active("merge", "{\"trait\":\"mergeTest\",\"operator\":\"equals\",\"value\":true}"));
        String loser = "p-" + UUID.randomUUID();
        String survivor = "p-" + UUID.randomUUID();
        publish(change(loser, 1, Map.of("mergeTest", true)));
        awaitTransitions(loser, segment, true);
        Map<String, Object> traits = new HashMap<>(Map.of("mergeTest", true));
        publish(new ProfileChanged(survivor, 7, Set.of("identity"), traits, Map.of(), List.of(), Map.of(), List.of(loser),
                null, Instant.now()));
        awaitTransitions(loser, segment, true, false);
        awaitTransitions(survivor, segment, true);
        assertTrue(received.stream().noneMatch(e -> e.profileId().equals(survivor) && !e.entered()));
    }
}
