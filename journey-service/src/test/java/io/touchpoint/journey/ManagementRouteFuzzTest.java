package io.touchpoint.journey;

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

/**
 * Every route of this service's OpenAPI document, read at test time so that a new route is fuzzed
 * too, under a few hundred mutated requests with an admin token (seeded; replay a run with
 * {@code -Dtouchpoint.fuzz.seed}): no answer may be a 5xx or an error that is not problem+json.
 */
@QuarkusTest
class ManagementRouteFuzzTest {

    private static final long SEED = 8_083L;
    private static final int REQUESTS = 200;

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URI base;

    @Test
    void noManagementRouteAnswersAServerErrorOrAnErrorThatIsNotAProblem() {
        String admin = new TestTokens(privateKey, issuer).bearer("admin");
        List<RequestFuzzer.Operation> operations = RequestFuzzer.operationsFromOpenApi(base, Map.of("Authorization", admin))
                .stream().map(o -> o.withPathValue("erasureId", UUID.randomUUID().toString())).toList();

        RequestFuzzer.Report report = RequestFuzzer.against(base).name("journey-service ManagementRouteFuzzTest")
                .operations(operations).seed(RequestFuzzer.seedOr(SEED)).requests(RequestFuzzer.requestsOr(REQUESTS))
                .run();

        assertTrue(report.clean(), report.describe());
    }
}
