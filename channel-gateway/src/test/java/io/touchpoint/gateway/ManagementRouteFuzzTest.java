package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.ManagementRouteFuzzContract;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.gateway.support.Gateway;

/**
 * Every route of this service's OpenAPI document, fuzzed (see {@link ManagementRouteFuzzContract}).
 * The ids in paths are those of a source, a published template and a suppression made for the
 * test, so the mutations reach the routes' own handling and not only their 404s.
 */
@QuarkusTest
class ManagementRouteFuzzTest extends ManagementRouteFuzzContract {

    @Override
    protected long seed() {
        return 8_080L;
    }

    @Override
    protected List<RequestFuzzer.Operation> prepare(List<RequestFuzzer.Operation> all, String admin) {
        Gateway.CreatedSource source = new Gateway(tokens()).createSource("fuzzed-" + UUID.randomUUID());
        String template = "{\"name\": \"fuzzed\", \"defaultLocale\": \"en\", \"locales\": {\"en\": {\"email\": "
                + "{\"subject\": \"Hi {{ profile.firstName }}\", \"html\": \"<p>{{ vars.offer | default: 'hello' }}</p>\"}, "
                + "\"sms\": {\"text\": \"Hi\"}}}}";
        given().header("Authorization", admin).contentType("application/json").body(template)
                .put("/v1/templates/fuzzed-template").then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
        given().header("Authorization", admin).post("/v1/templates/fuzzed-template/publish").then().statusCode(200);
        String suppression = "{\"channel\": \"email\", \"address\": \"fuzzed@example.com\", \"reason\": \"manual\"}";
        given().header("Authorization", admin).contentType("application/json").body(suppression).post("/v1/suppressions")
                .then().statusCode(201);
        List<RequestFuzzer.Operation> operations = all.stream().map(o -> o.withPathValue("id", source.id())
                .withPathValue("key", "fuzzed-template").withPathValue("version", "1").withPathValue("channel", "email")
                .withPathValue("address", "fuzzed%40example.com")).toList();
        operations = RequestFuzzer.replaceBody(operations, "PUT /v1/templates/{key}", template);
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/templates/{key}/preview",
                "{\"channel\": \"email\", \"locale\": \"fi-FI\", \"traits\": {\"firstName\": \"Ada\"}}");
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/suppressions", suppression);
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/templates/{key}/test-send",
                "{\"address\": \"fuzzed-tester@example.com\", \"traits\": {\"firstName\": \"Ada\"}}");
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/sources",
                "{\"name\": \"fuzzed source\", \"description\": \"made by ManagementRouteFuzzTest\"}");
        return RequestFuzzer.replaceBody(operations, "PATCH /v1/sources/{id}",
                "{\"name\": \"fuzzed source\", \"description\": \"renamed\", \"enabled\": true}");
    }
}
