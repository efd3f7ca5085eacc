package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.delivery.domain.Dispatcher;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.platform.time.AdjustableClock;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The delivery ledger on the real stack: requests from the broker are decided once by the policy,
 * every outcome is a delivery event on the broker with its reason, deferrals wait on durable
 * wake-ups of the service clock, rows a stopped process left in sending become unknown and are
 * never sent, and an erasure forgets it all.
 */
@QuarkusTest
class DeliveryLedgerOnTheStackTest extends DeliveryStackTest {


    @Inject
    AdjustableClock adjustable;
    @Inject
    Dispatcher dispatcher;

    private String marketer;

    @BeforeEach
    void marketer() {
        marketer = bearer("marketer");
    }

    @Test
    void aRedeliveredRequestIsDecidedOnceWithItsReason() {
        String profile = "p-" + UUID.randomUUID();
        fixtures.recipient(profile, "nobody@example.com", List.of(), Map.of());
        MessageRequested request = fixtures.request(profile, "j-welcome", "welcome", "onboarding", false, clock.instant());
        String eventId = events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request);
        events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request, eventId);
        events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request);

        DeliveryEvent suppressed = fixtures.await(request.requestId(), DeliveryEvent.Status.SUPPRESSED);
        assertEquals("no-consent", suppressed.reason());
        assertEquals("email: no consent for email/onboarding", suppressed.detail());
        assertEquals(profile, fixtures.eventsOf(request.requestId()).get(0).key());
        await().atMost(Duration.ofSeconds(60)).until(() -> events().consumedToTheEnd("channel-gateway", Topic.MESSAGE_REQUESTS));
        // The outbox drains within its sweep; one event, however many times the request came.
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxEmpty());
        assertEquals(1, fixtures.eventsOf(request.requestId()).size());

        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId())
                .then().statusCode(200)
                .body("state", equalTo("suppressed"))
                .body("reason", equalTo("no-consent"))
                .body("deliveryId", equalTo(suppressed.deliveryId()))
                .body("decisions.size()", equalTo(1));
    }

    @Test
    void aSuppressedAddressGetsNoMarketing() {
        String profile = "p-" + UUID.randomUUID();
        String email = "listed-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("channel", "email", "address", email.toUpperCase(java.util.Locale.ROOT),
                        "reason", "unsubscribed")))
                .post("/v1/suppressions").then().statusCode(201).body("address", equalTo(email))
                .body("reason", equalTo("unsubscribed"));
        given().header("Authorization", marketer).get("/v1/suppressions/email/{a}", email).then().statusCode(200);

        MessageRequested request = fixtures.request(profile, "j-news", "news", "news", false, clock.instant());
        fixtures.publish(request);
        DeliveryEvent suppressed = fixtures.await(request.requestId(), DeliveryEvent.Status.SUPPRESSED);
        assertEquals("suppression-list", suppressed.reason());
        assertEquals("email: address suppressed (unsubscribed)", suppressed.detail());

        given().header("Authorization", marketer).delete("/v1/suppressions/email/{a}", email).then().statusCode(204);
        given().header("Authorization", marketer).delete("/v1/suppressions/email/{a}", email).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void suppressionEntriesAreValidatedFieldByField() {
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("channel", "fax", "address", "x"))).post("/v1/suppressions")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("channel"));
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("channel", "sms", "address", "040 123"))).post("/v1/suppressions")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("address"));
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("channel", "email", "address", "a@example.com", "reason", "bored")))
                .post("/v1/suppressions")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("reason"));
        given().header("Authorization", bearer("analyst")).get("/v1/suppressions")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void quietHoursInTheRecipientsZoneDeferToTheirEndOnTheServiceClock() {
        String profile = "p-" + UUID.randomUUID();
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        ZonedDateTime local = clock.instant().atZone(tokyo).truncatedTo(ChronoUnit.MINUTES);
        ZonedDateTime end = local.plusMinutes(30);
        fixtures.recipient(profile, "night-owl@example.com", List.of(DeliveryFixtures.granted("email", "*")), Map.of(
                "timeZone", "Asia/Tokyo", "quietHours", Map.of("start", local.minusMinutes(1).toLocalTime().toString(),
                        "end", end.toLocalTime().toString())));
        MessageRequested request = fixtures.request(profile, "j-welcome", "welcome", "onboarding", false, clock.instant());
        fixtures.publish(request);

        DeliveryEvent deferred = fixtures.await(request.requestId(), DeliveryEvent.Status.DEFERRED);
        assertEquals("quiet-hours", deferred.reason());
        assertTrue(deferred.detail().startsWith("until " + end.toInstant() + ": quiet hours"), deferred.detail());
        assertEquals(Optional.of(end.toInstant()), wakeupDue(profile, request.requestId()));

        adjustable.advance(Duration.between(clock.instant(), end.toInstant()));
        // Released at the end of the quiet hours, sent to rendering, which has no template yet: FAILED with why.
        DeliveryEvent failed = fixtures.await(request.requestId(), DeliveryEvent.Status.FAILED);
        assertEquals("render-failed", failed.reason());
        assertTrue(!failed.at().isBefore(end.toInstant()), failed.at() + " is before " + end.toInstant());
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId())
                .then().statusCode(200).body("state", equalTo("failed"))
                .body("decisions.state", equalTo(List.of("deferred", "queued", "sending", "failed")));
        assertEquals(Optional.empty(), wakeupDue(profile, request.requestId()));
    }

    @Test
    void rowsAStoppedProcessLeftInSendingBecomeUnknownAndAreNeverSent() {
        String elsewhere = "req-" + UUID.randomUUID();
        String here = "req-" + UUID.randomUUID();
        Instant now = clock.instant();
        insertSending(elsewhere, "a-crashed-gateway", now.minus(Duration.ofMinutes(10)));
        insertSending(here, dispatcher.instance(), now);

        DeliveryEvent unknown = fixtures.await(elsewhere, DeliveryEvent.Status.UNKNOWN);
        assertEquals("outcome-unknown", unknown.reason());
        // This instance's own row is declared unknown when it starts; it is not older than stuck-after.
        assertEquals("sending", state(here));
        assertEquals(1, dispatcher.recoverStuck(true).await().atMost(Duration.ofSeconds(10)));
        assertEquals("outcome-unknown", fixtures.await(here, DeliveryEvent.Status.UNKNOWN).reason());
        assertEquals("unknown", state(elsewhere));
        assertEquals("unknown", state(here));
    }

    @Test
    void anErasureForgetsDeliveriesAndDeferralsAndAReplayBringsNothingBack() {
        String profile = "p-" + UUID.randomUUID();
        Instant requestedAt = clock.instant();
        MessageRequested request = fixtures.request(profile, "j-welcome", "welcome", "onboarding", false, requestedAt);
        fixtures.publish(request);
        // No profile known yet: deferred, and asked again later.
        assertEquals("recipient-unknown", fixtures.await(request.requestId(), DeliveryEvent.Status.DEFERRED).reason());
        assertTrue(wakeupDue(profile, request.requestId()).isPresent());

        events().publish(Topic.ERASURES, profile, EventTypes.PROFILE_ERASURE_REQUESTED,
                new ProfileErasureRequested(UUID.randomUUID().toString(), profile, List.of(), clock.instant()));
        await().atMost(Duration.ofSeconds(60)).until(() -> state(request.requestId()) == null);
        assertEquals(Optional.empty(), wakeupDue(profile, request.requestId()));

        fixtures.publish(request);
        await().atMost(Duration.ofSeconds(60)).until(() -> events().consumedToTheEnd("channel-gateway", Topic.MESSAGE_REQUESTS));
        assertEquals(null, state(request.requestId()));
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId())
                .then().statusCode(404).contentType("application/problem+json");
    }

    private void insertSending(String requestId, String by, Instant at) {
        pool.withTransaction(sql -> sql.preparedQuery("""
                INSERT INTO delivery (request_id, delivery_id, profile_id, transactional, channel, address, state, variables,
                    expires_at, send_decided_at, sending_at, sending_by, created_at, updated_at)
                VALUES ($1, $2, $3, false, 'email', 'in-flight@example.com', 'sending', '{}', $4, $4, $4, $5, $4, $4)""")
                .execute(Tuple.of(requestId, UUID.randomUUID().toString(), "p-" + UUID.randomUUID(), at.atOffset(java.time.ZoneOffset.UTC), by)))
                .await().atMost(Duration.ofSeconds(10));
    }

    private String state(String requestId) {
        return pool.withConnection(sql -> sql.preparedQuery("SELECT state FROM delivery WHERE request_id = $1")
                .execute(Tuple.of(requestId))).await().atMost(Duration.ofSeconds(10))
                .stream().findFirst().map(r -> r.getString(0)).orElse(null);
    }

    private Optional<Instant> wakeupDue(String profileId, String requestId) {
        return pool.withConnection(sql -> sql.preparedQuery("SELECT due_at FROM wakeup WHERE kind = 'delivery-release' AND wakeup_key = $1")
                .execute(Tuple.of(profileId + ":" + requestId))).await().atMost(Duration.ofSeconds(10))
                .stream().findFirst().map(r -> r.getOffsetDateTime(0).toInstant());
    }

    private boolean outboxEmpty() {
        return pool.withConnection(sql -> sql.query("SELECT count(*) FROM outbox").execute()).await()
                .atMost(Duration.ofSeconds(10)).iterator().next().getLong(0) == 0;
    }
}
