package io.touchpoint.gateway;

import java.util.List;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.ManagementRouteFuzzContract;
import io.touchpoint.devstack.testing.RequestFuzzer;
import io.touchpoint.gateway.support.Gateway;

/**
 * Every route of this service's OpenAPI document, fuzzed (see {@link ManagementRouteFuzzContract}).
 * The ids in paths are those of a source made for the test, so the mutations reach the routes'
 * own handling and not only their 404s.
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
        List<RequestFuzzer.Operation> operations = all.stream().map(o -> o.withPathValue("id", source.id())).toList();
        operations = RequestFuzzer.replaceBody(operations, "POST /v1/sources",
                "{\"name\": \"fuzzed source\", \"description\": \"made by ManagementRouteFuzzTest\"}");
        return RequestFuzzer.replaceBody(operations, "PATCH /v1/sources/{id}",
                "{\"name\": \"fuzzed source\", \"description\": \"renamed\", \"enabled\": true}");
    }
}
