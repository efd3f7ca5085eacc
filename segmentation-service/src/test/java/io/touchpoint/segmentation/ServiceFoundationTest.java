package io.touchpoint.segmentation;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.ServiceFoundationContract;
import io.touchpoint.devstack.testing.TouchpointTestResource;

/**
 * The shared service contract on the real stack. Its test resource applies to every test class of
 * this module: one devstack and one application for the whole module.
 */
@QuarkusTest
@QuarkusTestResource(value = TouchpointTestResource.class, initArgs = @ResourceArg(name = "database", value = "segmentation"))
class ServiceFoundationTest extends ServiceFoundationContract {

    @Override
    protected boolean usesRedis() {
        return true;
    }
}
