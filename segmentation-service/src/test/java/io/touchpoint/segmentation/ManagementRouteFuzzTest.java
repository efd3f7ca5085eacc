package io.touchpoint.segmentation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * Every route of this service's OpenAPI document, read at test time so that a new route is fuzzed
 * too, under a few hundred mutated requests with an admin token (seeded; replay a run with
 * {@code -Dtouchpoint.fuzz.seed}): no answer may be a 5xx or an error that is not problem+json.
 * The segment ids in paths are those of draft segments made for the test (one for the delete
 * route), so the mutations reach the routes' own handling; the sample bodies keep segments drafts
 * and name no real preset, so that the run computes nothing other tests could see.
 */
@QuarkusTest
class ManagementRouteFuzzTest {

    private static final long SEED = 8_082L;
    private static final int REQUESTS = 400;
    private static final String CONDITION = "{\"all\": [{\"trait\": \"plan\", \"operator\": \"equals\", \"value\": \"gold\"}, "
            + "{\"event\": \"Bet Placed\", \"where\": {\"market\": \"football\"}, \"count\": {\"operator\": \"at_least\", "
            + "\"value\": 2}, \"withinLastDays\": 30}, {\"not\": {\"randomBucket\": {\"salt\": \"fuzz\", \"percent\": 10}}}]}";
    private static final String SEGMENT = "{\"name\": \"Fuzzed\", \"description\": \"made by ManagementRouteFuzzTest\", "
            + "\"tags\": [\"fuzz\"], \"state\": \"draft\", \"condition\": " + CONDITION + "}";

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URI base;

    @Test
    void noManagementRouteAnswersAServerErrorOrAnErrorThatIsNotAProblem() {
        String admin = new TestTokens(privateKey, issuer).bearer("admin");
        String segment = draft(admin);
        String deleted = draft(admin);

        List<RequestFuzzer.Operation> operations = RequestFuzzer.operationsFromOpenApi(base, Map.of("Authorization", admin))
                .stream().map(o -> o.withPathValue("id", o.key().equals("DELETE /v1/segments/{id}") ? deleted : segment)
                        .withPathValue("profileId", "p-fuzz-" + UUID.randomUUID())
                        .withPathValue("erasureId", UUID.randomUUID().toString()))
                .toList();
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/segments", SEGMENT);
        operations = RequestFuzzer.replaceBody(operations, "PUT /v1/segments/{id}", SEGMENT.replace("Fuzzed", "Refuzzed"));
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/segments/preview",
                "{\"condition\": " + CONDITION + ", \"sampleSize\": 5}");
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/segments/{id}/members/check",
                "{\"profileIds\": [\"p-fuzz-1\", \"p-fuzz-2\"]}");
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/presets/{preset}", "{\"newCustomerDays\": 30}");

        RequestFuzzer.Report report = RequestFuzzer.against(base).name("segmentation-service ManagementRouteFuzzTest")
                .operations(operations).seed(RequestFuzzer.seedOr(SEED)).requests(RequestFuzzer.requestsOr(REQUESTS))
                .run();

        assertTrue(report.clean(), report.describe());
    }

    private String draft(String admin) {
        return given().header("Authorization", admin).contentType(ContentType.JSON).body(SEGMENT).post("/v1/segments")
                .then().statusCode(201).extract().path("id");
    }
}
