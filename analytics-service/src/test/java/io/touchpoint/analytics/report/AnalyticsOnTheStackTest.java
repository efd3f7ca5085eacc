package io.touchpoint.analytics.report;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.ValidatableResponse;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent.Status;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * The reports on the real stack (Kafka, PostgreSQL): a known sequence of delivery, request, journey,
 * membership and profile-change records, published the way the other services publish them, gives
 * exactly the expected funnel, attribution, lift and p-value (expected values worked out by hand here,
 * or with SciPy for the statistics: {@code src/test/resources/experiment-reference.py}), stage flows
 * and cohorts; zones put each event on its own local day across a daylight-saving change; CSV and
 * JSON agree; redelivered records and a full replay of every topic change no number.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalyticsOnTheStackTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String JW = "welcome-journey";
    private static final String JX = "experiment-journey";
    private static final String JZ = "zones-journey";
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Instant T1 = Instant.parse("2026-03-09T09:00:00Z");
    private static final Instant TX = Instant.parse("2026-02-02T12:00:00Z");
    private static final List<Topic> TOPICS = List.of(Topic.DELIVERY_EVENTS, Topic.MESSAGE_REQUESTS, Topic.JOURNEY_EVENTS,
            Topic.SEGMENT_MEMBERSHIPS, Topic.PROFILE_CHANGES);

    private static TestEvents events;
    private static boolean published;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
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
    }

    private String analyst() {
        return new TestTokens(privateKey, issuer).bearer("analyst");
    }

    /** Decimals read as doubles (rest-assured's default is float), so they compare with closeTo. */
    private static final RestAssuredConfig DOUBLES = RestAssuredConfig.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));

    private ValidatableResponse get(String path, Map<String, Object> params) {
        return given().config(DOUBLES).header("Authorization", analyst()).queryParams(params).accept("application/json").get(path).then()
                .log().ifValidationFails();
    }

    private String csv(String path, Map<String, Object> params) {
        return given().header("Authorization", analyst()).queryParams(params).accept("text/csv").get(path).then()
                .statusCode(200).contentType("text/csv").extract().asString();
    }

    /** Everything the reports below read, published once. */
    private void publish() {
        if (published) {
            return;
        }
        events = new TestEvents(bootstrap);
        Scenario s = new Scenario(events);
        given().header("Authorization", analyst()).contentType("application/json")
                .body("{\"name\": \"Bet placed\", \"events\": [\"Bet Placed\"], \"revenueProperty\": \"stake\"}")
                .put("/v1/goals/bets").then().statusCode(201);
        welcomeJourney(s);
        experiment(s);
        stages(s);
        cohorts(s);
        zones(s);
        published = true;
    }

    // ---- the welcome journey: funnel and attribution

    private static void welcomeJourney(Scenario s) {
        for (String p : List.of("u1", "u2", "u3")) {
            s.arm(JW, "split", p, "A", T0);
        }
        for (String p : List.of("u5", "u6")) {
            s.arm(JW, "split", p, "B", T0);
        }
        Instant sent = T0.plusSeconds(2);
        String[][] welcome = { { "m1", "u1" }, { "m2", "u2" }, { "m3", "u3" }, { "m4", "u4" }, { "m5", "u5" }, { "m6", "u6" } };
        for (String[] m : welcome) {
            s.request(m[0], m[1], JW, "welcome", "welcome", T0.plusSeconds(1));
        }
        String m1Open = s.delivery("m1", "u1", JW, "welcome", Status.SENT, null, sent);
        s.delivery("m1", "u1", JW, "welcome", Status.DELIVERED, null, sent.plusSeconds(60));
        m1Open = s.delivery("m1", "u1", JW, "welcome", Status.OPENED, null, sent.plusSeconds(600));
        s.delivery("m1", "u1", JW, "welcome", Status.OPENED, null, sent.plusSeconds(700));
        s.delivery("m1", "u1", JW, "welcome", Status.OPENED, "machine", sent.plusSeconds(120));
        s.delivery("m1", "u1", JW, "welcome", Status.CLICKED, null, sent.plusSeconds(1_800));
        s.delivery("m2", "u2", JW, "welcome", Status.SENT, null, sent);
        s.delivery("m2", "u2", JW, "welcome", Status.DELIVERED, null, sent.plusSeconds(60));
        s.delivery("m2", "u2", JW, "welcome", Status.OPENED, "machine", sent.plusSeconds(90));
        s.delivery("m3", "u3", JW, "welcome", Status.SUPPRESSED, "no-consent", sent);
        s.delivery("m4", "u4", JW, "welcome", Status.SENT, null, sent);
        s.delivery("m4", "u4", JW, "welcome", Status.BOUNCED, "hard-bounce", sent.plusSeconds(30));
        s.delivery("m5", "u5", JW, "welcome", Status.SENT, null, sent);
        s.delivery("m5", "u5", JW, "welcome", Status.DELIVERED, null, sent.plusSeconds(60));
        s.delivery("m5", "u5", JW, "welcome", Status.OPENED, null, sent.plusSeconds(300));
        String unsubscribe = s.delivery("m5", "u5", JW, "welcome", Status.UNSUBSCRIBED, null, sent.plusSeconds(400));
        s.delivery("m5", "u5", JW, "welcome", Status.COMPLAINED, null, sent.plusSeconds(500));
        s.delivery("m6", "u6", JW, "welcome", Status.SUPPRESSED, "frequency-cap", sent);
        // u4's arm arrives after its messages: they move from no arm to B.
        s.arm(JW, "split", "u4", "B", T0);
        Instant lesson = T1.plusSeconds(2);
        s.request("m7", "u1", JW, "lesson-1", "lesson-1", T1.plusSeconds(1));
        s.delivery("m7", "u1", JW, "lesson-1", Status.SENT, null, lesson);
        s.delivery("m7", "u1", JW, "lesson-1", Status.DELIVERED, null, lesson.plusSeconds(60));
        s.delivery("m7", "u1", JW, "lesson-1", Status.CLICKED, "machine", lesson.plusSeconds(61));
        s.delivery("m8", "u4", JW, "lesson-1", Status.SENT, null, lesson);
        s.delivery("m8", "u4", JW, "lesson-1", Status.DELIVERED, null, lesson.plusSeconds(60));
        s.delivery("m8", "u4", JW, "lesson-1", Status.OPENED, null, lesson.plusSeconds(900));
        s.delivery("m8", "u4", JW, "lesson-1", Status.CLICKED, null, lesson.plusSeconds(1_800));
        s.delivery("m8", "u4", JW, "lesson-1", Status.CLICKED, null, lesson.plusSeconds(1_900));
        // m8's request comes after its delivery events: its node is known only then.
        s.request("m8", "u4", JW, "lesson-1", "lesson-1", T1.plusSeconds(1));
        // Redeliveries of events already applied (same CloudEvents ids).
        s.redeliver(m1Open, "m1", "u1", JW, "welcome", Status.OPENED, null, sent.plusSeconds(600));
        s.redeliver(unsubscribe, "m5", "u5", JW, "welcome", Status.UNSUBSCRIBED, null, sent.plusSeconds(400));

        // Bets (the goal) and one other event.
        s.tracked("u1", "bet-1", "Bet Placed", Map.of("stake", 10), T0.plus(Duration.ofDays(1)));
        s.tracked("u1", "bet-1", "Bet Placed", Map.of("stake", 10), T0.plus(Duration.ofDays(1)));
        s.tracked("u1", "Page Viewed", Map.of(), T0.plus(Duration.ofDays(1)));
        s.tracked("u1", "bet-2", "Bet Placed", Map.of("stake", 5), T1.plus(Duration.ofHours(1)));
        s.tracked("u4", "bet-3", "Bet Placed", Map.of("stake", "20"), T1.plus(Duration.ofHours(2)));
        s.tracked("u2", "bet-4", "Bet Placed", Map.of("stake", 7), T0.plus(Duration.ofDays(10)));
        s.tracked("u9", "bet-5", "Bet Placed", Map.of("stake", 3), T0.plus(Duration.ofDays(1)));
    }

    private static Map<String, Object> params(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    @Test
    @Order(1)
    void theFunnelCountsEachMessageOnceWithRatesThatShowWhatTheyDivide() {
        publish();
        Map<String, Object> q = params("journeyId", JW, "from", "2026-03-01", "to", "2026-03-16");
        // Sent: m1 m2 m4 m5 m7 m8; delivered: m1 m2 m5 m7 m8; opens: m1 ×3 (one machine), m2 ×1 machine, m5, m8;
        // clicks: m1, m7 (machine), m8 ×2; suppressed: m3 (no-consent), m6 (frequency-cap).
        await().atMost(WAIT).untilAsserted(() -> get("/v1/reports/funnel", q).statusCode(200)
                .body("totals.requested", equalTo(8))
                .body("totals.sent.unique", equalTo(6)).body("totals.sent.total", equalTo(6))
                .body("totals.delivered.unique", equalTo(5))
                .body("totals.opened.unique", equalTo(4)).body("totals.opened.total", equalTo(6))
                .body("totals.openedHuman.unique", equalTo(3)).body("totals.openedHuman.total", equalTo(4))
                .body("totals.clicked.unique", equalTo(3)).body("totals.clicked.total", equalTo(4))
                .body("totals.clickedHuman.unique", equalTo(2)).body("totals.clickedHuman.total", equalTo(3))
                .body("totals.unsubscribed.total", equalTo(1)).body("totals.complained.total", equalTo(1))
                .body("totals.bounced.unique", equalTo(1))
                .body("totals.suppressed.unique", equalTo(2))
                .body("totals.suppressedByReason.no-consent", equalTo(1))
                .body("totals.suppressedByReason.frequency-cap", equalTo(1))
                .body("totals.rates.openRate.numerator", equalTo(4)).body("totals.rates.openRate.denominator", equalTo(6))
                .body("totals.rates.humanOpenRate.value", closeTo(0.5, 1e-12))
                .body("totals.rates.clickToOpenRate.numerator", equalTo(2))
                .body("totals.rates.clickToOpenRate.denominator", equalTo(3))
                .body("series", hasSize(15)));
        // Per node and arm: u4's arm and m8's node came after their messages' events.
        JsonPath grouped = get("/v1/reports/funnel", params("journeyId", JW, "from", "2026-03-01", "to", "2026-03-16",
                "groupBy", "node,arm")).statusCode(200).extract().jsonPath();
        Map<String, Integer> sent = new TreeMap<>();
        Map<String, Integer> suppressed = new TreeMap<>();
        for (Map<String, Object> g : grouped.<Map<String, Object>>getList("groups")) {
            @SuppressWarnings("unchecked")
            Map<String, String> key = (Map<String, String>) g.get("group");
            String name = key.get("nodeId") + "/" + key.get("arm");
            sent.put(name, new JsonPath(toJson(g)).getInt("totals.sent.unique"));
            suppressed.put(name, new JsonPath(toJson(g)).getInt("totals.suppressed.unique"));
        }
        assertEquals(Map.of("welcome/A", 2, "welcome/B", 2, "lesson-1/A", 1, "lesson-1/B", 1), sent);
        assertEquals(Map.of("welcome/A", 1, "welcome/B", 1, "lesson-1/A", 0, "lesson-1/B", 0), suppressed);
        // Each message on its send day: four sent on 2 March, two on 9 March.
        JsonPath daily = get("/v1/reports/funnel", q).extract().jsonPath();
        assertEquals(4, daily.getInt("series.find { it.period == '2026-03-02T00:00Z' }.counts.sent.unique"));
        assertEquals(2, daily.getInt("series.find { it.period == '2026-03-09T00:00Z' }.counts.sent.unique"));
    }

    private static String toJson(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(2)
    void conversionsGoToTheLastMessageThatTouchedTheProfileWithinTheWindow() {
        publish();
        // Received, 7 days: u1's first bet → m1 (welcome), u1's second → m7 (lesson-1), u4's → m8 (lesson-1);
        // u2 bet 10 days after m2, u9 got no message: unattributed. Recipients: u1 u2 u4 u5 (welcome), u1 u4 (lesson-1).
        Map<String, Object> q = params("goal", "bets", "journeyId", JW, "from", "2026-03-01", "to", "2026-03-16", "groupBy", "node");
        await().atMost(WAIT).untilAsserted(() -> get("/v1/reports/conversions", q).statusCode(200)
                .body("totals.conversions", equalTo(3)).body("totals.converters", equalTo(2))
                .body("totals.revenue", equalTo(35)).body("totals.recipients", equalTo(4))
                .body("totals.conversionRate.numerator", equalTo(2)).body("totals.conversionRate.denominator", equalTo(4))
                .body("totals.revenuePerRecipient.value", closeTo(35 / 4.0, 1e-12))
                .body("unattributed.conversions", equalTo(2)).body("unattributed.revenue", equalTo(10))
                .body("groups.find { it.group.nodeId == 'welcome' }.totals.conversions", equalTo(1))
                .body("groups.find { it.group.nodeId == 'welcome' }.totals.revenue", equalTo(10))
                .body("groups.find { it.group.nodeId == 'welcome' }.totals.recipients", equalTo(4))
                .body("groups.find { it.group.nodeId == 'lesson-1' }.totals.conversions", equalTo(2))
                .body("groups.find { it.group.nodeId == 'lesson-1' }.totals.revenue", equalTo(25))
                .body("groups.find { it.group.nodeId == 'lesson-1' }.totals.recipients", equalTo(2)));
        // Clicked by a person: m1's click credits u1's first bet, m8's u4's; u1's second bet has only m7's machine click.
        get("/v1/reports/conversions", params("goal", "bets", "journeyId", JW, "touch", "clicked", "from", "2026-03-01", "to", "2026-03-16"))
                .statusCode(200).body("totals.conversions", equalTo(2)).body("totals.revenue", equalTo(30));
        // Opened, 8 days: u1's second bet (7 days 1 hour after m1's opens) is credited to m1 now.
        get("/v1/reports/conversions", params("goal", "bets", "journeyId", JW, "touch", "opened", "windowDays", 8, "from", "2026-03-01",
                "to", "2026-03-16")).statusCode(200).body("totals.conversions", equalTo(3)).body("totals.revenue", equalTo(35));
        get("/v1/reports/conversions", params("goal", "nope", "journeyId", JW)).statusCode(400).body("errors[0].field", equalTo("goal"));
    }

    // ---- an A/B test with a holdout

    /** Per profile: arm, converted (a bet 2 days after assignment) and the stake; see experiment-reference.py. */
    private static void experiment(Scenario s) {
        int[][] arms = { { 300, 60 }, { 300, 90 }, { 70, 7 } };
        String[] names = { "A", "B", "holdout" };
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < arms[a][0]; i++) {
                String profile = "x-" + names[a] + "-" + i;
                Instant assigned = TX.plusSeconds(i);
                s.arm(JX, "split", profile, names[a], assigned);
                if (i % 2 == 0) {
                    s.membership(profile, "seg-active", true, assigned.minus(Duration.ofDays(1)));
                }
                if (i < arms[a][1]) {
                    int stake = switch (a) {
                        case 0 -> 5 + i % 7;
                        case 1 -> 6 + i % 5;
                        default -> 4 + i % 3;
                    };
                    s.tracked(profile, "Bet Placed", Map.of("stake", stake), assigned.plus(Duration.ofDays(2)));
                }
            }
        }
        // Neither counts: a bet at the assignment itself (it may be what entered the journey) and one after the window.
        s.tracked("x-A-299", "Bet Placed", Map.of("stake", 100), TX.plusSeconds(299));
        s.tracked("x-A-298", "Bet Placed", Map.of("stake", 100), TX.plusSeconds(298).plus(Duration.ofDays(8)));
    }

    @Test
    @Order(3)
    void anExperimentHasLiftsIntervalsAndPValuesAsScipyComputesThem() {
        publish();
        Map<String, Object> q = params("journeyId", JX, "goal", "bets", "windowDays", 7, "from", "2026-02-01", "to", "2026-02-03",
                "minSample", 50, "allocation", "A:45,B:45,holdout:10");
        await().atMost(WAIT).untilAsserted(() -> get("/v1/reports/experiments", q).statusCode(200)
                .body("control", equalTo("holdout"))
                .body("arms.find { it.arm == 'A' }.profiles", equalTo(300))
                .body("arms.find { it.arm == 'A' }.converters", equalTo(60))
                .body("arms.find { it.arm == 'B' }.converters", equalTo(90))
                .body("arms.find { it.arm == 'holdout' }.profiles", equalTo(70))
                .body("arms.find { it.arm == 'holdout' }.converters", equalTo(7))
                .body("arms.find { it.arm == 'B' }.revenue", closeTo(720.0, 1e-9)));
        JsonPath r = get("/v1/reports/experiments", q).extract().jsonPath();
        // Rates and lifts by arithmetic; z, p and intervals from SciPy (experiment-reference.py).
        assertClose(0.2, r.getDouble("arms.find { it.arm == 'A' }.rate"));
        assertClose(0.2 - 0.1, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.absoluteLift"));
        assertClose(0.2 / 0.1 - 1, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.relativeLift"));
        assertClose(1.9563736006038441, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.z"));
        assertClose(0.050421159693593884, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.pValue"));
        assertClose(0.016406958893379633, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.absoluteInterval.low"));
        assertClose(0.1835930411066204, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.absoluteInterval.high"));
        assertClose(-0.04417087566810263, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.relativeInterval.low"));
        assertClose(3.184848419215001, r.getDouble("arms.find { it.arm == 'A' }.conversionVsControl.relativeInterval.high"));
        assertClose(3.4258892117749613, r.getDouble("arms.find { it.arm == 'B' }.conversionVsControl.z"));
        assertClose(0.000612790276026124, r.getDouble("arms.find { it.arm == 'B' }.conversionVsControl.pValue"));
        assertClose(0.45482543392175856, r.getDouble("arms.find { it.arm == 'B' }.conversionVsControl.relativeInterval.low"));
        assertClose(6.822213683930687, r.getDouble("arms.find { it.arm == 'B' }.revenueVsControl.t"));
        assertClose(281.6564410681873, r.getDouble("arms.find { it.arm == 'B' }.revenueVsControl.degreesOfFreedom"));
        assertClose(5.477005328020587e-11, r.getDouble("arms.find { it.arm == 'B' }.revenueVsControl.pValue"));
        assertClose(1.3619543501576064, r.getDouble("arms.find { it.arm == 'B' }.revenueVsControl.interval.low"));
        assertClose(2.466617078413822, r.getDouble("arms.find { it.arm == 'B' }.revenueVsControl.interval.high"));
        assertClose(4.2019333604672635, r.getDouble("arms.find { it.arm == 'A' }.revenueVsControl.t"));
        assertClose(16.221551756248367, r.getDouble("omnibus.statistic"));
        assertEquals(2, r.getInt("omnibus.degreesOfFreedom"));
        assertClose(0.000300285797602552, r.getDouble("omnibus.pValue"));
        assertClose(0.9280897238637507, r.getDouble("sampleRatio.pValue"));
        assertEquals(false, r.getBoolean("sampleRatio.mismatch"));
        // B beats A on its own (p = 0.0047).
        assertEquals("B", r.getString("winner.arm"));
        // With the default minimum sample (100) the 70-profile holdout is too small to name a winner.
        get("/v1/reports/experiments", params("journeyId", JX, "goal", "bets", "from", "2026-02-01", "to", "2026-02-03"))
                .statusCode(200).body("winner.arm", nullValue()).body("arms.find { it.arm == 'holdout' }.enoughSample", equalTo(false));
        // An allocation the arms do not match is a sample-ratio mismatch, and no winner.
        get("/v1/reports/experiments", params("journeyId", JX, "goal", "bets", "from", "2026-02-01", "to", "2026-02-03", "minSample", 50,
                "allocation", "A:50,B:30,holdout:20")).statusCode(200).body("sampleRatio.mismatch", equalTo(true))
                .body("sampleRatio.pValue", closeTo(9.550365762085454e-19, 1e-27)).body("winner.arm", nullValue());
        // Campaign effect: everyone reached (A and B) against the holdout, per the segment they were in when assigned.
        JsonPath effect = get("/v1/reports/campaign-effect", params("journeyId", JX, "goal", "bets", "windowDays", 7, "from", "2026-02-01",
                "to", "2026-02-03", "groups", "seg-active")).statusCode(200).extract().jsonPath();
        // seg-active: the even-numbered profiles of each arm: A 150 (30 of them converted: i < 60 even),
        // B 150 (45), holdout 35 (4: i = 0, 2, 4, 6).
        assertEquals(300, effect.getInt("effects.find { it.group == 'seg-active' }.treated.profiles"));
        assertEquals(75, effect.getInt("effects.find { it.group == 'seg-active' }.treated.converters"));
        assertEquals(35, effect.getInt("effects.find { it.group == 'seg-active' }.holdout.profiles"));
        assertEquals(4, effect.getInt("effects.find { it.group == 'seg-active' }.holdout.converters"));
        assertEquals(300, effect.getInt("effects.find { it.group == null }.treated.profiles"));
        // Holdout in seg-active: stakes 4 + i % 3 for i = 0, 2, 4, 6 → 4 + 6 + 5 + 4 = 19 over 35 profiles.
        assertClose(19 / 35.0, effect.getDouble("effects.find { it.group == 'seg-active' }.holdout.revenuePerProfile"));
    }

    private static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-9 + 1e-15, () -> "expected " + expected + ", got " + actual);
    }

    // ---- lifecycle stages: sizes and flows

    private static void stages(Scenario s) {
        s.membership("f1", "s-suspect", true, Instant.parse("2026-01-10T10:07:00Z"));
        s.membership("f1", "s-suspect", false, Instant.parse("2026-01-15T08:00:00Z"));
        s.membership("f1", "s-prospect", true, Instant.parse("2026-01-15T08:00:00Z"));
        s.membership("f1", "s-prospect", false, Instant.parse("2026-01-20T12:34:56Z"));
        s.membership("f1", "s-active", true, Instant.parse("2026-01-20T12:34:56Z"));
        s.membership("f2", "s-prospect", true, Instant.parse("2026-01-12T00:00:00Z"));
        s.membership("f2", "s-prospect", false, Instant.parse("2026-01-18T06:00:00Z"));
        s.membership("f3", "s-active", true, Instant.parse("2026-01-16T23:59:59Z"));
        s.membership("f4", "s-suspect", true, Instant.parse("2026-01-14T05:00:00Z"));
        // The entry of a move may come before its exit.
        s.membership("f4", "s-active", true, Instant.parse("2026-01-20T12:40:00Z"));
        s.membership("f4", "s-suspect", false, Instant.parse("2026-01-20T12:40:00Z"));
        s.membership("f5", "s-suspect", true, Instant.parse("2026-01-14T05:00:00.500Z"));
        s.membership("f5", "s-suspect", false, Instant.parse("2026-01-20T12:35:10Z"));
        s.membership("f5", "s-prospect", true, Instant.parse("2026-01-20T12:35:10Z"));
    }

    @Test
    @Order(4)
    void segmentSizesAreExactAtAnyInstantAndFlowsAddUp() {
        publish();
        String all = "s-suspect,s-prospect,s-active";
        // At 12:35:00: suspect f4 f5, prospect nobody (f1 left at 12:34:56, f5 enters at 12:35:10), active f3 f1.
        await().atMost(WAIT).untilAsserted(() -> get("/v1/reports/segment-sizes", params("segmentIds", all, "at", "2026-01-20T12:35:00Z"))
                .statusCode(200)
                .body("segments.find { it.segmentId == 's-suspect' }.points[0].size", equalTo(2))
                .body("segments.find { it.segmentId == 's-prospect' }.points[0].size", equalTo(0))
                .body("segments.find { it.segmentId == 's-active' }.points[0].size", equalTo(2)));
        // At 12:34:56 itself, f1's move has not happened yet: the size counts what happened before the instant.
        get("/v1/reports/segment-sizes", params("segmentIds", all, "at", "2026-01-20T12:34:56Z")).statusCode(200)
                .body("segments.find { it.segmentId == 's-prospect' }.points[0].size", equalTo(1))
                .body("segments.find { it.segmentId == 's-active' }.points[0].size", equalTo(1));
        // Daily sizes: suspect at the start of 14, 15, 21 January: f1; f1 f4 f5; nobody.
        JsonPath daily = get("/v1/reports/segment-sizes", params("segmentIds", "s-suspect", "from", "2026-01-14", "to", "2026-01-22"))
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of(1, 3, 2, 2, 2, 2, 2, 0, 0), daily.getList("segments[0].points.collect { it.size }", Integer.class));
        // [15 Jan 00:00, 20 Jan 12:36): moves suspect→prospect f1 f5, prospect→active f1; f3 enters active from none,
        // f2 leaves prospect for none; f4's move at 12:40 is after the range.
        Map<String, Object> q = params("segmentIds", all, "from", "2026-01-15T00:00:00Z", "to", "2026-01-20T12:36:00Z");
        JsonPath flows = get("/v1/reports/stage-flows", q).statusCode(200).extract().jsonPath();
        Map<String, Integer> cells = new TreeMap<>();
        for (Map<String, Object> f : flows.<Map<String, Object>>getList("flows")) {
            cells.put(f.get("from") + ">" + f.get("to"), (Integer) f.get("count"));
        }
        assertEquals(Map.of("s-suspect>s-prospect", 2, "s-prospect>s-active", 1, "null>s-active", 1, "s-prospect>null", 1), cells);
        assertEquals(3, flows.getInt("segments.find { it.segmentId == 's-suspect' }.sizeAtFrom"));
        assertEquals(1, flows.getInt("segments.find { it.segmentId == 's-suspect' }.sizeAtTo"));
        assertEquals(1, flows.getInt("segments.find { it.segmentId == 's-prospect' }.sizeAtTo"));
        assertEquals(2, flows.getInt("segments.find { it.segmentId == 's-active' }.sizeAtTo"));
        for (Map<String, Object> seg : flows.<Map<String, Object>>getList("segments")) {
            assertEquals((Integer) seg.get("sizeAtTo"), (Integer) seg.get("sizeAtFrom") + (Integer) seg.get("entries") - (Integer) seg.get("exits"),
                    seg.toString());
        }
        String body = csv("/v1/reports/stage-flows", q);
        assertTrue(body.startsWith("from,to,count\r\n"), body);
        assertTrue(body.contains("s-suspect,s-prospect,2\r\n") && body.contains(",s-active,1\r\n") && body.contains("s-prospect,,1\r\n"), body);
        get("/v1/reports/stage-flows", params("segmentIds", "s-suspect,nope")).statusCode(400)
                .body("errors[0].field", equalTo("segmentIds"));
    }

    // ---- cohorts in Helsinki across the daylight-saving change of 29 March 2026

    private static void cohorts(Scenario s) {
        s.registered("c1", Instant.parse("2026-03-23T10:00:00Z"));
        s.tracked("c1", "Bet Placed", Map.of("stake", 1), Instant.parse("2026-03-24T10:00:00Z"));
        s.tracked("c1", "Bet Placed", Map.of("stake", 1), Instant.parse("2026-03-30T21:30:00Z"));
        s.registered("c2", Instant.parse("2026-03-29T21:30:00Z"));
        s.tracked("c2", "Bet Placed", Map.of("stake", 1), Instant.parse("2026-04-05T21:30:00Z"));
        s.registered("c3", Instant.parse("2026-03-22T21:30:00Z"));
        s.tracked("c3", "Bet Placed", Map.of("stake", 1), Instant.parse("2026-03-20T10:00:00Z"));
        s.registered("c4", Instant.parse("2026-03-25T08:00:00Z"));
        s.tracked("c4", "Bet Placed", Map.of("stake", 1), Instant.parse("2026-04-10T12:00:00Z"));
    }

    @Test
    @Order(5)
    void cohortsCountRetentionOnLocalWeeks() {
        publish();
        // Helsinki weeks: c3 registered Sunday 22 March 23:30 (week of 16 March; its bet was before it: not counted);
        // c1 (Mon 23 March) and c4 (Wed 25) in the week of 23 March; c2 on Monday 30 March 00:30 local (Sunday in UTC).
        // c1 bet in week 0 and on Tuesday 31 March 00:30 local (week 1); c4 in the week of 6 April (week 2);
        // c2 on Monday 6 April 00:30 local (week 1 of its cohort; Sunday 5 April in UTC, which would be week 0).
        Map<String, Object> q = params("activity", "Bet Placed", "zone", "Europe/Helsinki", "cohort", "week", "count", 4,
                "from", "2026-03-16", "to", "2026-04-06");
        await().atMost(WAIT).untilAsserted(() -> get("/v1/reports/cohorts", q).statusCode(200)
                .body("cohorts.cohort", equalTo(List.of("2026-03-16", "2026-03-23", "2026-03-30")))
                .body("cohorts.collect { it.size }", equalTo(List.of(1, 2, 1)))
                .body("cohorts[0].retention.active", equalTo(List.of(0, 0, 0, 0)))
                .body("cohorts[1].retention.active", equalTo(List.of(1, 1, 1, 0)))
                .body("cohorts[2].retention.active", equalTo(List.of(0, 1, 0, 0)))
                .body("cohorts[1].retention[0].rate.numerator", equalTo(1))
                .body("cohorts[1].retention[0].rate.denominator", equalTo(2)));
        // Rolling weeks from each registration, in local wall-clock time: c1 +1 day, +7.5 days; c4 +16 days; c2 exactly +7 days.
        get("/v1/reports/cohorts", params("activity", "Bet Placed", "zone", "Europe/Helsinki", "periods", "rolling", "count", 4,
                "from", "2026-03-16", "to", "2026-04-06")).statusCode(200)
                .body("cohorts[1].retention.active", equalTo(List.of(1, 1, 1, 0)))
                .body("cohorts[2].retention.active", equalTo(List.of(0, 1, 0, 0)));
        // In UTC, c2 registered on Sunday 29 March: the week of 23 March.
        get("/v1/reports/cohorts", params("activity", "Bet Placed", "cohort", "week", "count", 4, "from", "2026-03-16", "to", "2026-04-06"))
                .statusCode(200).body("cohorts.collect { it.size }", equalTo(List.of(1, 3, 0)));
        String body = csv("/v1/reports/cohorts", q);
        assertTrue(body.contains("2026-03-23,2026-03-22T22:00:00Z,2,1,1,0.5,true\r\n"), body);
    }

    // ---- zones: each event on its local day

    private static final List<Instant> ZONED = List.of(Instant.parse("2026-03-28T21:59:00Z"), Instant.parse("2026-03-28T22:00:00Z"),
            Instant.parse("2026-03-29T20:59:00Z"), Instant.parse("2026-03-29T21:00:00Z"), Instant.parse("2026-03-28T18:29:00Z"),
            Instant.parse("2026-03-28T18:30:00Z"), Instant.parse("2026-03-29T00:59:00Z"), Instant.parse("2026-03-29T01:00:00Z"));

    private static void zones(Scenario s) {
        for (int i = 0; i < ZONED.size(); i++) {
            s.delivery("z" + i, "z" + i, JZ, "zoned", Status.SENT, null, ZONED.get(i));
        }
    }

    @Test
    @Order(6)
    void eachEventFallsOnItsOwnLocalDayInHelsinkiAndKolkataAcrossTheChange() {
        publish();
        await().atMost(WAIT).untilAsserted(() -> get("/v1/reports/funnel", params("journeyId", JZ, "from", "2026-03-27", "to", "2026-04-01"))
                .statusCode(200).body("totals.sent.unique", equalTo(ZONED.size())));
        for (String zone : List.of("Europe/Helsinki", "Asia/Kolkata", "UTC")) {
            // What java.time says each instant's local date is.
            Map<String, Integer> expected = new TreeMap<>();
            for (Instant at : ZONED) {
                expected.merge(at.atZone(ZoneId.of(zone)).toLocalDate().toString(), 1, Integer::sum);
            }
            Map<String, Object> q = params("journeyId", JZ, "from", "2026-03-27", "to", "2026-04-01", "zone", zone);
            JsonPath json = get("/v1/reports/funnel", q).statusCode(200).extract().jsonPath();
            Map<String, Integer> actual = new TreeMap<>();
            for (Map<String, Object> point : json.<Map<String, Object>>getList("series")) {
                int sent = new JsonPath(toJson(point)).getInt("counts.sent.unique");
                if (sent > 0) {
                    actual.put(((String) point.get("period")).substring(0, 10), sent);
                }
            }
            assertEquals(expected, actual, zone);
            // The CSV says the same, line by line.
            Map<String, Integer> fromCsv = new TreeMap<>();
            String[] lines = csv("/v1/reports/funnel", q).split("\r\n");
            List<String> header = List.of(lines[0].split(","));
            for (int i = 1; i < lines.length; i++) {
                String[] cells = lines[i].split(",", -1);
                int sent = Integer.parseInt(cells[header.indexOf("sent")]);
                if (sent > 0) {
                    fromCsv.put(cells[0].substring(0, 10), sent);
                }
            }
            assertEquals(expected, fromCsv, zone + " CSV");
        }
        assertEquals(Map.of("2026-03-28", 3, "2026-03-29", 4, "2026-03-30", 1),
                perDay(ZoneId.of("Europe/Helsinki")));
        // 29 March has 23 hours in Helsinki: 02:59 (+02:00) and 04:00 (+03:00) are consecutive hours.
        JsonPath hours = get("/v1/reports/funnel", params("journeyId", JZ, "from", "2026-03-29", "to", "2026-03-30", "zone",
                "Europe/Helsinki", "granularity", "hour")).statusCode(200).extract().jsonPath();
        List<String> periods = hours.getList("series.period", String.class);
        assertEquals(23, periods.size());
        assertEquals("2026-03-29T02:00+02:00", periods.get(2));
        assertEquals("2026-03-29T04:00+03:00", periods.get(3));
        assertEquals(1, hours.getInt("series[2].counts.sent.unique"));
        assertEquals(1, hours.getInt("series[3].counts.sent.unique"));
    }

    private static Map<String, Integer> perDay(ZoneId zone) {
        Map<String, Integer> out = new HashMap<>();
        for (Instant at : ZONED) {
            out.merge(LocalDate.ofInstant(at, zone).toString(), 1, Integer::sum);
        }
        return out;
    }

    @Test
    @Order(7)
    void badParametersAreProblemsNamingThem() {
        publish();
        get("/v1/reports/funnel", params("journeyId", "no-such-journey")).statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("journeyId"));
        get("/v1/reports/funnel", params("from", "2026-03-10", "to", "2026-03-01")).statusCode(400).body("errors[0].field", equalTo("from"));
        get("/v1/reports/funnel", params("zone", "Europe/Nowhere")).statusCode(400).body("errors[0].field", equalTo("zone"));
        get("/v1/reports/funnel", params("from", "2020-01-01", "to", "2026-01-01", "granularity", "hour")).statusCode(400)
                .body("errors[0].field", equalTo("granularity"));
        get("/v1/reports/funnel", params("groupBy", "planet")).statusCode(400).body("errors[0].field", equalTo("groupBy"));
        get("/v1/reports/cohorts", params("activity", "Bet Placed", "from", "2000-01-01", "to", "2026-01-01", "count", 520))
                .statusCode(400).body("errors[0].field", equalTo("count"));
        given().header("Authorization", analyst()).accept("text/csv").queryParam("zone", "Mars/Olympus").get("/v1/reports/funnel")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("zone"));
        given().accept("application/json").get("/v1/reports/funnel").then().statusCode(401);
        // A misspelt filter is refused, not ignored (which would answer for every journey).
        get("/v1/reports/funnel", params("journey", JW)).statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("journey"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("journeyId"));
        given().header("Authorization", analyst()).accept("text/csv").queryParam("segment", "s-suspect")
                .get("/v1/reports/segment-sizes").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("segment"));
        given().accept("application/json").queryParam("journey", JW).get("/v1/reports/funnel").then().statusCode(401);
    }

    // ---- duplicates and a full replay

    @Test
    @Order(100)
    void replayingEveryTopicFromTheBeginningChangesNoNumber() throws Exception {
        publish();
        List<Map<String, Object>> queries = List.of(
                params("@", "/v1/reports/funnel", "journeyId", JW, "from", "2026-03-01", "to", "2026-03-16", "groupBy", "node,arm"),
                params("@", "/v1/reports/funnel", "journeyId", JZ, "from", "2026-03-27", "to", "2026-04-01", "zone", "Asia/Kolkata"),
                params("@", "/v1/reports/conversions", "goal", "bets", "journeyId", JW, "from", "2026-03-01", "to", "2026-03-16",
                        "groupBy", "node,arm"),
                params("@", "/v1/reports/experiments", "journeyId", JX, "goal", "bets", "from", "2026-02-01", "to", "2026-02-03",
                        "minSample", 50),
                params("@", "/v1/reports/campaign-effect", "journeyId", JX, "goal", "bets", "from", "2026-02-01", "to", "2026-02-03",
                        "groups", "seg-active"),
                params("@", "/v1/reports/stage-flows", "segmentIds", "s-suspect,s-prospect,s-active", "from", "2026-01-15T00:00:00Z",
                        "to", "2026-01-20T12:36:00Z"),
                params("@", "/v1/reports/segment-sizes", "segmentIds", "s-suspect,s-prospect,s-active", "from", "2026-01-10",
                        "to", "2026-01-22", "granularity", "hour"),
                params("@", "/v1/reports/cohorts", "activity", "Bet Placed", "zone", "Europe/Helsinki", "from", "2026-03-16",
                        "to", "2026-04-06"));
        // Everything published so far has been applied (the earlier tests waited for it); take every report.
        await().atMost(WAIT).until(() -> appliedToTheEnd(endOffsets()));
        List<String> before = new ArrayList<>();
        for (Map<String, Object> q : queries) {
            before.add(withoutFreshness(q));
        }
        Map<TopicPartition, Long> ends = replayEverything();
        await().atMost(WAIT.multipliedBy(2)).until(() -> appliedToTheEnd(ends));
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(before.get(i), withoutFreshness(queries.get(i)), queries.get(i).toString());
        }
    }

    private String withoutFreshness(Map<String, Object> query) {
        Map<String, Object> q = new LinkedHashMap<>(query);
        String path = (String) q.remove("@");
        Map<String, Object> body = get(path, q).statusCode(200).extract().jsonPath().getMap("");
        body.remove("asOf");
        body.remove("freshnessSeconds");
        return toJson(body);
    }

    /** Every record of the five topics, read from offset 0 and published again as it was (key, value, headers). */
    private Map<TopicPartition, Long> replayEverything() {
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<TopicPartition, Long> ends = endOffsets();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            Map<TopicPartition, Long> read = new HashMap<>();
            while (ends.entrySet().stream().anyMatch(e -> read.getOrDefault(e.getKey(), 0L) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < ends.get(tp)) {
                        producer.send(new ProducerRecord<>(r.topic(), r.partition(), r.key(), r.value(), r.headers()));
                    }
                    read.put(tp, r.offset() + 1);
                }
            }
            producer.flush();
        }
        return endOffsets();
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic t : TOPICS) {
                for (int p = 0; p < t.partitions(); p++) {
                    partitions.add(new TopicPartition(t.topicName(), p));
                }
            }
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    /** Whether the service's progress (kept with its facts) has reached these offsets on every partition. */
    private boolean appliedToTheEnd(Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, Long> progress = new HashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT topic, partition, next_offset FROM consumer_progress")) {
            while (r.next()) {
                progress.put(new TopicPartition(r.getString(1), r.getInt(2)), r.getLong(3));
            }
        }
        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0 || progress.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }
}
