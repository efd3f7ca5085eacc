package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A process of role delivery refuses the tracking API and still serves the management API and health. */
@QuarkusTest
@TestProfile(DeliveryRoleTest.DeliveryRole.class)
class DeliveryRoleTest {

    public static class DeliveryRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("touchpoint.gateway.role", "delivery");
        }
    }

    @Test
    void trackingCallsAreRefusedWithAProblemSayingWhereTrackingIsServed() {
        for (String path : new String[] { "/v1/track", "/v1/identify", "/v1/batch", "/v1/t", "/v1/b" }) {
            given().contentType("application/json").body("{\"userId\":\"u-1\",\"event\":\"Signed Up\"}").post(path).then()
                    .statusCode(404).contentType("application/problem+json").body("status", equalTo(404))
                    .body("instance", equalTo(path)).body("detail", containsString("role delivery"));
        }
    }

    @Test
    void theManagementApiAndHealthAreStillServed() {
        given().get("/v1/templates").then().statusCode(401).contentType("application/problem+json");
        given().get("/q/health/ready").then().statusCode(200);
    }
}
