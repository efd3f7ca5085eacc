package io.touchpoint.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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
 * the mutations reach the routes' own handling and not only their 404s.
 */
@QuarkusTest
class ManagementRouteFuzzTest {

    private static final long SEED = 8_081L;
    private static final int REQUESTS = 400;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URI base;

    @Test
    void noManagementRouteAnswersAServerErrorOrAnErrorThatIsNotAProblem() {
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

        assertTrue(report.clean(), report.describe());
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
