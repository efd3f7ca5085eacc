package io.touchpoint.analytics.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.devstack.testing.TestEvents;
import io.touchpoint.devstack.testing.TestTokens;

@QuarkusTest
class FunnelSmokeTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    @Test
    void aFewRecordsMakeAFunnel() {
        String journey = "j-" + UUID.randomUUID();
        Instant t = Instant.parse("2026-03-10T10:00:00Z");
        try (TestEvents events = new TestEvents(bootstrap)) {
            events.publish(Topic.MESSAGE_REQUESTS, "p1", EventTypes.MESSAGE_REQUESTED,
                    new MessageRequested("r1-" + journey, "p1", journey, "welcome", "email", "welcome", "onboarding", false, Map.of(), t));
            events.publish(Topic.DELIVERY_EVENTS, "p1", EventTypes.DELIVERY, new DeliveryEvent("d1", "r1-" + journey, "p1", journey,
                    "welcome", "email", DeliveryEvent.Status.SENT, null, null, t.plusSeconds(5)));
            events.publish(Topic.DELIVERY_EVENTS, "p1", EventTypes.DELIVERY, new DeliveryEvent("d1", "r1-" + journey, "p1", journey,
                    "welcome", "email", DeliveryEvent.Status.OPENED, null, null, t.plusSeconds(60)));
            events.publish(Topic.DELIVERY_EVENTS, "p1", EventTypes.DELIVERY, new DeliveryEvent("d1", "r1-" + journey, "p1", journey,
                    "welcome", "email", DeliveryEvent.Status.OPENED, "machine", null, t.plusSeconds(61)));
            events.publish(Topic.DELIVERY_EVENTS, "p2", EventTypes.DELIVERY, new DeliveryEvent("d2", "r2-" + journey, "p2", journey,
                    "welcome", "email", DeliveryEvent.Status.SUPPRESSED, "no-consent", null, t.plusSeconds(5)));
        }
        String token = new TestTokens(privateKey, issuer).bearer("analyst");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().header("Authorization", token)
                .queryParam("journeyId", journey).queryParam("from", "2026-03-01").queryParam("to", "2026-04-01")
                .get("/v1/reports/funnel").then().log().ifValidationFails().statusCode(200).contentType("application/json")
                .body("totals.sent.unique", equalTo(1))
                .body("totals.opened.total", equalTo(2))
                .body("totals.openedHuman.total", equalTo(1))
                .body("totals.suppressed.unique", equalTo(1))
                .body("totals.suppressedByReason.no-consent", equalTo(1))
                .body("totals.requested", equalTo(1)));
        given().header("Authorization", token).accept("text/csv").queryParam("journeyId", journey).queryParam("from", "2026-03-01")
                .queryParam("to", "2026-03-12").get("/v1/reports/funnel").then().log().all().statusCode(200);
        given().header("Authorization", token).accept("text/csv").queryParam("journeyId", "nope").get("/v1/reports/funnel").then()
                .log().all().statusCode(400);
        given().header("Authorization", token).queryParam("zone", "Mars/Base").get("/v1/reports/funnel").then()
                .log().all().statusCode(400);
    }
}
