package io.touchpoint.journey;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.ManagementRouteFuzzContract;

/** Every route of this service's OpenAPI document, fuzzed (see {@link ManagementRouteFuzzContract}). */
@QuarkusTest
class ManagementRouteFuzzTest extends ManagementRouteFuzzContract {

    @Override
    protected long seed() {
        return 8_083L;
    }

    @Override
    protected int requests() {
        return 200;
    }
}
