package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;

/**
 * A process of role delivery: it refuses the tracking API, still serves the management API and
 * health, and holds marketing email to its send rate (here 4 a second, no burst) while receipts pass.
 */
@QuarkusTest
@TestProfile(DeliveryRoleTest.DeliveryRole.class)
class DeliveryRoleTest extends DeliveryStackTest {

    public static class DeliveryRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("touchpoint.gateway.role", "delivery", "touchpoint.gateway.delivery.rates.email.per-second", "4",
                    "touchpoint.gateway.delivery.rates.email.burst", "1", "touchpoint.gateway.delivery.caps.email.messages", "100");
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

    @Test
    void marketingEmailKeepsToTheSendRate() {
        String key = "rated-" + UUID.randomUUID();
        given().header("Authorization", bearer("marketer")).contentType("application/json").body(Gateway.json(Map.of(
                "name", "Rated", "defaultLocale", "en", "locales", Map.of("en", Map.of("email", Map.of("subject", "News",
                        "html", "<p>News for {{ profile.firstName }}</p>"))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", bearer("marketer")).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        String profile = "p-" + UUID.randomUUID();
        String email = "rated-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        List<MessageRequested> requests = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            MessageRequested request = fixtures.request(profile, "j-news-" + i, key, "news-" + i, false, clock.instant());
            requests.add(request);
            fixtures.publish(request);
        }
        requests.forEach(r -> fixtures.await(r.requestId(), DeliveryEvent.Status.SENT));
        // Five sends at 4 a second with a burst of one cannot all be through in less than a second (the last waits 1 s).
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) >= 0, "five rated sends took " + took);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 5);
    }
}
