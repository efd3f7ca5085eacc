package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.webhook.domain.WebhookVerifier;
import io.touchpoint.platform.time.AdjustableClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * Webhooks on the real stack, to a real HTTP receiver in this test (a Vert.x server on the
 * loopback): endpoints managed by API, each call signed by the Standard Webhooks convention and
 * checked with the documented verifier, a 500 answered by sending the same delivery again later
 * (same webhook-id), a receiver that keeps failing dead-lettered once the 24 h window closes on the
 * service clock, and a secret rotation during which both secrets sign.
 */
@QuarkusTest
class WebhookOnTheStackTest extends DeliveryStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call as the receiver got it. */
    record Call(String path, String id, String timestamp, String signature, String body) {
    }

    private static HttpServer receiver;
    private static final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Per path, the statuses to answer in turn (the last one repeats); 200 when none. */
    private static final Map<String, List<Integer>> script = new ConcurrentHashMap<>();

    @Inject
    AdjustableClock adjustable;

    private String marketer;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = Vertx.vertx().createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String path = request.path();
            calls.add(new Call(path, request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                    request.getHeader("webhook-signature"), body.toString()));
            List<Integer> statuses = script.getOrDefault(path, List.of(200));
            long made = calls.stream().filter(c -> c.path().equals(path)).count();
            int status = statuses.get((int) Math.min(made, statuses.size()) - 1);
            request.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @BeforeEach
    void marketer() {
        marketer = bearer("marketer");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.actualPort() + path;
    }

    /** Creates an endpoint for a fresh receiver path; its secret. */
    private String endpoint(String key, String path) {
        return given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("url", url(path), "description", "fulfilment partner")))
                .put("/v1/webhook-endpoints/{key}", key).then().statusCode(201)
                .body("key", equalTo(key)).body("enabled", equalTo(true)).body("secrets", equalTo(1))
                .body("secret", startsWith("whsec_")).extract().path("secret");
    }

    private String template(String endpoint) {
        String key = "ship-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("name", "Ship", "defaultLocale", "en", "locales", Map.of("en", Map.of("webhook", Map.of(
                        "endpoint", endpoint,
                        "body", "{\"event\": \"ship\", \"order\": \"{{ vars.orderId }}\", \"customer\": \"{{ profile.firstName }}\"}"))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    private MessageRequested ship(String template) {
        String profile = "p-" + UUID.randomUUID();
        fixtures.recipient(profile, Map.of("email", "buyer-" + UUID.randomUUID() + "@example.com", "firstName", "Ada \"Countess\""),
                List.of(), Map.of());
        MessageRequested request = new MessageRequested("req-" + UUID.randomUUID(), profile, "j-offer", "ship", "webhook", template,
                "fulfilment", true, Map.of("orderId", "o-" + UUID.randomUUID()), clock.instant());
        fixtures.publish(request);
        return request;
    }

    private List<Call> callsTo(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    @Test
    void aCallAnswered500IsSentAgainWithTheSameIdAndVerifiesByItsSignature() throws Exception {
        String path = "/flaky-" + UUID.randomUUID();
        script.put(path, List.of(500, 200));
        String key = "partner-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = endpoint(key, path);
        MessageRequested request = ship(template(key));

        DeliveryEvent deferred = fixtures.await(request.requestId(), DeliveryEvent.Status.DEFERRED);
        assertEquals("provider-retry", deferred.reason());
        assertEquals("webhook", deferred.channel());
        assertTrue(deferred.detail().startsWith("attempt 1: endpoint " + key + " answered 500"), deferred.detail());
        // The first retry is due within 5 s; the service clock moves there at once.
        adjustable.advance(Duration.ofSeconds(6));
        DeliveryEvent sent = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        assertEquals("endpoint " + key + " answered 200", sent.detail());

        List<Call> got = callsTo(path);
        assertEquals(2, got.size());
        assertEquals(sent.deliveryId(), got.get(0).id());
        assertEquals(got.get(0).id(), got.get(1).id());
        assertEquals(got.get(0).body(), got.get(1).body());
        JsonNode body = JSON.readTree(got.get(1).body());
        assertEquals(request.variables().get("orderId"), body.path("order").asText());
        assertEquals("Ada \"Countess\"", body.path("customer").asText());

        Call last = got.get(1);
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret), clock);
        assertDoesNotThrow(() -> verifier.verify(last.id(), last.timestamp(), last.signature(), last.body()));
        var replay = assertThrows(WebhookVerifier.Refused.class,
                () -> verifier.verify(last.id(), last.timestamp(), last.signature(), last.body()));
        assertTrue(replay.getMessage().startsWith("replayed"), replay.getMessage());
        Clock later = Clock.fixed(clock.instant().plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        var stale = assertThrows(WebhookVerifier.Refused.class,
                () -> new WebhookVerifier(List.of(secret), later).verify(last.id(), last.timestamp(), last.signature(), last.body()));
        assertTrue(stale.getMessage().startsWith("stale"), stale.getMessage());
        assertThrows(WebhookVerifier.Refused.class, () -> new WebhookVerifier(List.of(secret), clock)
                .verify(last.id(), last.timestamp(), last.signature(), last.body().replace("ship", "SHIP")));

        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200)
                .body("state", equalTo("sent")).body("attempts", equalTo(2))
                .body("decisions.state", equalTo(List.of("queued", "sending", "deferred", "queued", "sending", "sent")));
    }

    @Test
    void aReceiverThatKeepsFailingIsDeadLetteredWhenTheWindowCloses() {
        String path = "/down-" + UUID.randomUUID();
        script.put(path, List.of(503));
        String key = "down-" + UUID.randomUUID().toString().substring(0, 8);
        endpoint(key, path);
        MessageRequested request = ship(template(key));

        fixtures.await(request.requestId(), DeliveryEvent.Status.DEFERRED);
        for (int round = 0; round < 40 && fixtures.eventsOf(request.requestId()).stream()
                .noneMatch(e -> e.event().status() == DeliveryEvent.Status.FAILED); round++) {
            int made = callsTo(path).size();
            // Past the longest backoff (6 h): the next attempt is due at once.
            adjustable.advance(Duration.ofHours(6).plusMinutes(1));
            await().atMost(Duration.ofSeconds(60)).until(() -> callsTo(path).size() > made
                    || fixtures.eventsOf(request.requestId()).stream().anyMatch(e -> e.event().status() == DeliveryEvent.Status.FAILED));
            await().atMost(Duration.ofSeconds(60)).until(() -> fixtures.eventsOf(request.requestId()).size() >= callsTo(path).size());
        }
        DeliveryEvent failed = fixtures.await(request.requestId(), DeliveryEvent.Status.FAILED);
        assertEquals("retries-exhausted", failed.reason());
        int attempts = callsTo(path).size();
        assertTrue(attempts >= 4, attempts + " attempts");
        assertTrue(failed.detail().startsWith(attempts + " attempts since "), failed.detail());
        assertEquals(attempts - 1, fixtures.eventsOf(request.requestId()).stream()
                .filter(e -> e.event().status() == DeliveryEvent.Status.DEFERRED).count());
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200)
                .body("state", equalTo("failed")).body("reason", equalTo("retries-exhausted")).body("attempts", equalTo(attempts));
    }

    @Test
    void duringARotationBothSecretsSignAndAfterItOnlyTheNewOne() {
        String path = "/rotating-" + UUID.randomUUID();
        String key = "rotating-" + UUID.randomUUID().toString().substring(0, 8);
        String old = endpoint(key, path);
        String template = template(key);
        var rotated = given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("overlap", "PT1H"))).post("/v1/webhook-endpoints/{key}/rotate-secret", key)
                .then().statusCode(200).body("secret", startsWith("whsec_")).extract().jsonPath();
        String fresh = rotated.getString("secret");
        given().header("Authorization", marketer).get("/v1/webhook-endpoints/{key}", key).then().statusCode(200)
                .body("secrets", equalTo(2)).body("secret", nullValue());

        fixtures.await(ship(template).requestId(), DeliveryEvent.Status.SENT);
        Call during = callsTo(path).get(0);
        assertEquals(2, during.signature().split(" ").length);
        assertDoesNotThrow(() -> new WebhookVerifier(List.of(old), clock).verify(during.id(), during.timestamp(), during.signature(),
                during.body()));
        assertDoesNotThrow(() -> new WebhookVerifier(List.of(fresh), clock).verify(during.id(), during.timestamp(),
                during.signature(), during.body()));

        adjustable.advance(Duration.ofHours(1).plusMinutes(1));
        fixtures.await(ship(template).requestId(), DeliveryEvent.Status.SENT);
        Call after = callsTo(path).get(1);
        assertEquals(1, after.signature().split(" ").length);
        assertThrows(WebhookVerifier.Refused.class, () -> new WebhookVerifier(List.of(old), clock).verify(after.id(),
                after.timestamp(), after.signature(), after.body()));
        assertDoesNotThrow(() -> new WebhookVerifier(List.of(fresh), clock).verify(after.id(), after.timestamp(),
                after.signature(), after.body()));
    }

    @Test
    void endpointsAreValidatedFieldByFieldAndDisabledOnesRefuseCalls() {
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("url", "ftp://x")))
                .put("/v1/webhook-endpoints/{key}", "bad-url").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("url"));
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of()))
                .put("/v1/webhook-endpoints/{key}", "no-url").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("url"));
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("url", url("/x"))))
                .put("/v1/webhook-endpoints/{key}", "Bad Key").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("path.key"));
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("overlap", "a day")))
                .post("/v1/webhook-endpoints/{key}/rotate-secret", "nobody").then().statusCode(400)
                .body("errors.field", hasItem("overlap"));
        given().header("Authorization", bearer("analyst")).get("/v1/webhook-endpoints").then().statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", marketer).get("/v1/webhook-endpoints/{key}", "nobody").then().statusCode(404)
                .contentType("application/problem+json");

        String path = "/paused-" + UUID.randomUUID();
        String key = "paused-" + UUID.randomUUID().toString().substring(0, 8);
        endpoint(key, path);
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("url", url(path), "enabled", false))).put("/v1/webhook-endpoints/{key}", key)
                .then().statusCode(200).body("enabled", equalTo(false)).body("secret", nullValue());
        DeliveryEvent failed = fixtures.await(ship(template(key)).requestId(), DeliveryEvent.Status.FAILED);
        assertEquals("provider-failed", failed.reason());
        assertEquals("webhook endpoint " + key + " is disabled", failed.detail());
        assertTrue(callsTo(path).isEmpty());

        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("name", "Bad", "defaultLocale", "en", "locales", Map.of("en", Map.of("webhook",
                        Map.of("endpoint", key, "body", "{\"order\": {{ vars.orderId }"))))))
                .put("/v1/templates/{key}", "bad-webhook-" + UUID.randomUUID()).then().statusCode(400)
                .body("errors.field", hasItem("locales.en.webhook.body"));
        given().header("Authorization", marketer).get("/v1/webhook-endpoints").then().statusCode(200)
                .body("items.key", hasItem(key));
    }
}
