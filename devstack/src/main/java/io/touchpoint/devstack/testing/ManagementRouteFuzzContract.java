package io.touchpoint.devstack.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * Every route of a service's OpenAPI document, read at test time so that a new route is fuzzed too,
 * under a few hundred mutated requests with an admin token (seeded; replay a run with
 * {@code -Dtouchpoint.fuzz.seed}): no answer may be a 5xx or an error that is not problem+json. A
 * service's test extends this with {@code @QuarkusTest}, names its seed and puts real ids and
 * valid sample bodies into the operations, so the mutations reach the routes' own handling and not
 * only their 404s.
 */
public abstract class ManagementRouteFuzzContract {

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URI base;

    /** The service's fixed seed (its port, by convention). */
    protected abstract long seed();

    protected int requests() {
        return 400;
    }

    /** Real ids and valid bodies for the operations; the default fills in only {@code erasureId}. */
    protected List<RequestFuzzer.Operation> prepare(List<RequestFuzzer.Operation> operations, String adminToken) {
        return operations;
    }

    /** Checks after the run (profile-service: the outbox still drains); none by default. */
    protected void afterTheRun() throws Exception {
    }

    protected TestTokens tokens() {
        return new TestTokens(privateKey, issuer);
    }

    @Test
    void noManagementRouteAnswersAServerErrorOrAnErrorThatIsNotAProblem() throws Exception {
        String admin = tokens().bearer("admin");
        List<RequestFuzzer.Operation> operations = prepare(RequestFuzzer.operationsFromOpenApi(base,
                Map.of("Authorization", admin)).stream()
                .map(o -> o.withPathValue("erasureId", UUID.randomUUID().toString())).toList(), admin);
        RequestFuzzer.Report report = RequestFuzzer.against(base).name(getClass().getName())
                .operations(operations).seed(RequestFuzzer.seedOr(seed())).requests(RequestFuzzer.requestsOr(requests()))
                .run();
        assertTrue(report.clean(), report.describe());
        afterTheRun();
    }
}
