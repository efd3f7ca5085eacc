package io.touchpoint.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;

/**
 * Every route of this service's OpenAPI document, read at test time so that a new route is fuzzed
 * too, under a few hundred mutated requests with an admin token (seeded; replay a run with
 * {@code -Dtouchpoint.fuzz.seed}): no answer may be a 5xx or an error that is not problem+json.
 * The ids in paths are those of a source made for the test, so the mutations reach the routes'
 * own handling and not only their 404s.
 */
@QuarkusTest
class ManagementRouteFuzzTest {

    private static final long SEED = 8_080L;
    private static final int REQUESTS = 400;

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URI base;

    @Test
    void noManagementRouteAnswersAServerErrorOrAnErrorThatIsNotAProblem() {
        Gateway gateway = new Gateway(new TestTokens(privateKey, issuer));
        Gateway.CreatedSource source = gateway.createSource("fuzzed-" + UUID.randomUUID());
        List<RequestFuzzer.Operation> operations = RequestFuzzer.operationsFromOpenApi(base,
                Map.of("Authorization", gateway.adminToken())).stream()
                .map(o -> o.withPathValue("id", source.id()).withPathValue("erasureId", UUID.randomUUID().toString()))
                .toList();
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/sources",
                "{\"name\": \"fuzzed source\", \"description\": \"made by ManagementRouteFuzzTest\"}");
        operations = RequestFuzzer.replaceBody(operations, "PATCH /v1/sources/{id}",
                "{\"name\": \"fuzzed source\", \"description\": \"renamed\", \"enabled\": true}");

        RequestFuzzer.Report report = RequestFuzzer.against(base).name("channel-gateway ManagementRouteFuzzTest")
                .operations(operations).seed(RequestFuzzer.seedOr(SEED)).requests(RequestFuzzer.requestsOr(REQUESTS))
                .run();

        assertTrue(report.clean(), report.describe());
    }
}
