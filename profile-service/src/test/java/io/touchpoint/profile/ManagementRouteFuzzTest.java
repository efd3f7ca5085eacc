package io.touchpoint.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.devstack.testing.ManagementRouteFuzzContract;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.devstack.testing.TestEvents;

/**
 * Every route of this service's OpenAPI document, fuzzed (see {@link ManagementRouteFuzzContract}).
 * The ids in paths are those of real profiles (one for the erasure route, which deletes it), so
 * the mutations reach the routes' own handling and not only their 404s. Afterwards the outbox must
 * drain: an accepted request must not stop the service from publishing.
 */
@QuarkusTest
class ManagementRouteFuzzTest extends ManagementRouteFuzzContract {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    @Override
    protected long seed() {
        return 8_081L;
    }

    @Override
    protected List<RequestFuzzer.Operation> prepare(List<RequestFuzzer.Operation> all, String admin) {
        String profile = profileOf("fuzz-user-" + UUID.randomUUID(), admin);
        String erased = profileOf("fuzz-erased-" + UUID.randomUUID(), admin);
        List<RequestFuzzer.Operation> operations = all.stream()
                .map(o -> o.withPathValue("id", o.key().equals("DELETE /v1/profiles/{id}") ? erased : profile)).toList();
        operations = RequestFuzzer.replaceBody(operations, "PATCH /v1/profiles/{id}/traits",
                "{\"plan\": \"gold\", \"score\": 3, \"tags\": [\"vip\", \"beta\"], \"address\": {\"city\": \"Turku\"}}");
        operations = RequestFuzzer.replaceBody(operations, "PUT /v1/profiles/{id}/preferences",
                "{\"channelOrder\": [\"email\", \"sms\"], \"timeZone\": \"Europe/Helsinki\", \"locale\": \"fi-FI\", "
                        + "\"quietHours\": {\"start\": \"22:00\", \"end\": \"07:00\"}}");
        return RequestFuzzer.replaceBody(operations, "PUT /v1/profiles/{id}/consent",
                "{\"channel\": \"email\", \"topic\": \"newsletter\", \"status\": \"granted\", \"transactional\": false, "
                        + "\"proof\": {\"form\": \"signup\", \"ip\": \"203.0.113.7\"}}");
    }

    /**
     * A request answered 2xx must not break the service later: what the run changed must reach
     * Kafka, that is, the outbox must drain (a record Kafka can never take is set aside, not left
     * in the way).
     */
    @Override
    protected void afterTheRun() {
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() == 0);
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
