package io.touchpoint.segmentation;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.devstack.testing.ManagementRouteFuzzContract;
import io.touchpoint.devstack.testing.RequestFuzzer;

/**
 * Every route of this service's OpenAPI document, fuzzed (see {@link ManagementRouteFuzzContract}).
 * The segment ids in paths are those of draft segments made for the test (one for the delete
 * route), so the mutations reach the routes' own handling; the sample bodies keep segments drafts
 * and name no real preset, so that the run computes nothing other tests could see.
 */
@QuarkusTest
class ManagementRouteFuzzTest extends ManagementRouteFuzzContract {

    private static final String CONDITION = "{\"all\": [{\"trait\": \"plan\", \"operator\": \"equals\", \"value\": \"gold\"}, "
            + "{\"event\": \"Bet Placed\", \"where\": {\"market\": \"football\"}, \"count\": {\"operator\": \"at_least\", "
            + "\"value\": 2}, \"withinLastDays\": 30}, {\"not\": {\"randomBucket\": {\"salt\": \"fuzz\", \"percent\": 10}}}]}";
    private static final String SEGMENT = "{\"name\": \"Fuzzed\", \"description\": \"made by ManagementRouteFuzzTest\", "
            + "\"tags\": [\"fuzz\"], \"state\": \"draft\", \"condition\": " + CONDITION + "}";

    @Override
    protected long seed() {
        return 8_082L;
    }

    @Override
    protected List<RequestFuzzer.Operation> prepare(List<RequestFuzzer.Operation> all, String admin) {
        String segment = draft(admin);
        String deleted = draft(admin);
        List<RequestFuzzer.Operation> operations = all.stream()
                .map(o -> o.withPathValue("id", o.key().equals("DELETE /v1/segments/{id}") ? deleted : segment)
                        .withPathValue("profileId", "p-fuzz-" + UUID.randomUUID()))
                .toList();
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/segments", SEGMENT);
        operations = RequestFuzzer.replaceBody(operations, "PUT /v1/segments/{id}", SEGMENT.replace("Fuzzed", "Refuzzed"));
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/segments/preview",
                "{\"condition\": " + CONDITION + ", \"sampleSize\": 5}");
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/segments/{id}/members/check",
                "{\"profileIds\": [\"p-fuzz-1\", \"p-fuzz-2\"]}");
        return RequestFuzzer.replaceBody(operations, "POST /v1/presets/{preset}", "{\"newCustomerDays\": 30}");
    }

    private String draft(String admin) {
        return given().header("Authorization", admin).contentType(ContentType.JSON).body(SEGMENT).post("/v1/segments")
                .then().statusCode(201).extract().path("id");
    }
}
