package io.touchpoint.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * Every route of this service's OpenAPI document, read at test time so that a new route is fuzzed
 * too, under a few hundred mutated requests with an admin token (seeded; replay a run with
 * {@code -Dtouchpoint.fuzz.seed}): no answer may be a 5xx or an error that is not problem+json.
 * The ids in paths are those of real profiles (one for the erasure route, which deletes it), so
 * the mutations reach the routes' own handling and not only their 404s. Afterwards the outbox must
 * drain: an accepted request must not stop the service from publishing.
 */
@QuarkusTest
class ManagementRouteFuzzTest {

    private static final long SEED = 8_081L;
    private static final int REQUESTS = 400;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URI base;

    @Test
    void noManagementRouteAnswersAServerErrorOrAnErrorThatIsNotAProblem() throws Exception {
        String admin = new TestTokens(privateKey, issuer).bearer("admin");
        String profile = profileOf("fuzz-user-" + UUID.randomUUID(), admin);
        String erased = profileOf("fuzz-erased-" + UUID.randomUUID(), admin);

        List<RequestFuzzer.Operation> operations = RequestFuzzer.operationsFromOpenApi(base, Map.of("Authorization", admin))
                .stream().map(o -> o.withPathValue("id", o.key().equals("DELETE /v1/profiles/{id}") ? erased : profile)
                        .withPathValue("erasureId", UUID.randomUUID().toString()))
                .toList();
        operations = RequestFuzzer.replaceBody(operations, "PATCH /v1/profiles/{id}/traits",
                "{\"plan\": \"gold\", \"score\": 3, \"tags\": [\"vip\", \"beta\"], \"address\": {\"city\": \"Turku\"}}");
        operations = RequestFuzzer.replaceBody(operations, "PUT /v1/profiles/{id}/preferences",
                "{\"channelOrder\": [\"email\", \"sms\"], \"timeZone\": \"Europe/Helsinki\", \"locale\": \"fi-FI\", "
                        + "\"quietHours\": {\"start\": \"22:00\", \"end\": \"07:00\"}}");
        operations = RequestFuzzer.replaceBody(operations, "PUT /v1/profiles/{id}/consent",
                "{\"channel\": \"email\", \"topic\": \"newsletter\", \"status\": \"granted\", \"transactional\": false, "
                        + "\"proof\": {\"form\": \"signup\", \"ip\": \"203.0.113.7\"}}");

        RequestFuzzer.Report report = RequestFuzzer.against(base).name("profile-service ManagementRouteFuzzTest")
                .operations(operations).seed(RequestFuzzer.seedOr(SEED)).requests(RequestFuzzer.requestsOr(REQUESTS))
                .run();

        String outbox = outboxAfterTheRun();
        assertAll(() -> assertTrue(report.clean(), report.describe()),
                () -> assertNull(outbox, outbox));
    }

    /**
     * A request answered 2xx must not break the service later: what the run changed must reach
     * Kafka, that is, the outbox must drain. Rows Kafka can never take (over its 1 MB request limit)
     * block the relay for good; they are described, then removed so that the test classes after this
     * one find a working service.
     *
     * @return null when the outbox drained, else what is stuck in it
     */
    private String outboxAfterTheRun() throws Exception {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() == 0);
            return null;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder stuck = new StringBuilder("the outbox did not drain within 30 s after the run: ");
            try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var st = c.createStatement();
                    var rs = st.executeQuery("SELECT id, topic, event_type, octet_length(payload::text) FROM outbox "
                            + "ORDER BY id LIMIT 5")) {
                while (rs.next()) {
                    stuck.append("\n  row ").append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ')
                            .append(rs.getString(3)).append(", ").append(rs.getLong(4)).append(" bytes of payload");
                }
            }
            stuck.append("\n  (").append(outboxRows()).append(" rows in all; the relay sends the oldest first and "
                    + "stops at the first Kafka refuses, so one oversize profile change holds back every change and "
                    + "erasure after it)");
            try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var st = c.createStatement()) {
                st.executeUpdate("DELETE FROM outbox WHERE octet_length(payload::text) > 1000000");
            }
            return stuck.toString();
        }
    }

    private long outboxRows() throws Exception {
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A profile made the way every profile is: an identify call through the broker. */
    private String profileOf(String userId, String admin) {
        try (TestEvents events = new TestEvents(bootstrap)) {
            var identify = new Interaction(UUID.randomUUID().toString(), "src-fuzz", Interaction.IDENTIFY, userId, null,
                    null, null, null, null, null, null, Map.of("email", userId + "@example.com", "plan", "silver"), null,
                    null, Instant.now(), null, null, Instant.now());
            events.publish(Topic.INTERACTIONS, identify.partitionKey(), EventTypes.INTERACTION, identify,
                    identify.messageId());
        }
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var response = given().header("Authorization", admin).queryParam("userId", userId).get("/v1/profiles");
            id[0] = response.statusCode() == 200 ? response.jsonPath().getString("id") : null;
            return id[0] != null;
        });
        return id[0];
    }
}
