package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.devstack.testing.TestEvents;

/**
 * Journeys on the real stack: definitions through the API, triggers as profile-service publishes
 * them, message requests read back from Kafka, waits on the adjustable clock.
 */
@QuarkusTest
class JourneysOnTheStackTest extends OnTheStack {

    private static final Duration WAIT = JourneyStack.WAIT;

    @Test
    void aWelcomeJourneySendsNowAndAgainAfterItsWaitEachMessageOnceWhateverIsRedelivered() {
        String name = "Welcome " + UUID.randomUUID();
        String journey = publish(create(welcome(name, "P7D")));
        String profile = "p-" + UUID.randomUUID();
        ProfileChanged signedUp = signedUp(name, profile, "free");
        publish(signedUp);
        awaitRequests(profile, "welcome");

        // The same change again (a redelivery, a replay): nobody enters twice.
        publish(signedUp);
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("journey-service", Topic.PROFILE_CHANGES));

        clock.advance(Duration.ofDays(7));
        awaitRequests(profile, "welcome", "lesson-1");
        given().header("Authorization", token("analyst")).get("/v1/profiles/{p}/journeys", profile)
                .then().statusCode(200)
                .body("journeys.size()", equalTo(1))
                .body("journeys[0].journeyId", equalTo(journey))
                .body("journeys[0].state", equalTo("exited"))
                .body("journeys[0].exitReason", equalTo("completed"))
                .body("journeys[0].steps.nodeId", hasItems("welcome", "wait", "lesson-1", "done"));
        given().header("Authorization", token("analyst")).get("/v1/journeys/{id}", journey)
                .then().statusCode(200).body("state", equalTo("active")).body("publishedVersion", equalTo(1))
                .body("nodes.done.exited", equalTo(1)).body("nodes.wait.passed", equalTo(1));
        assertEquals(List.of("welcome", "lesson-1"), stepsRequested(profile), "each message requested once");
        Set<String> ids = Set.copyOf(requestsOf(profile).stream().map(MessageRequested::requestId).toList());
        assertEquals(2, ids.size());
        // Analytics' view of the same path: entered, every node reached, exited with why, each once.
        await().atMost(WAIT).until(() -> journeyEventsOf(profile).size() == 5);
        assertEquals(List.of("ENTERED welcome", "NODE welcome", "NODE wait", "NODE lesson-1", "EXITED done completed"),
                journeyEventsOf(profile).stream().map(e -> e.kind() + " " + e.nodeId()
                        + (e.kind() == JourneyEvent.Kind.EXITED ? " " + e.detail() : "")).toList());
        // Signing up again later (another interaction) does not enter again: re-entry is "never" by default.
        publish(signedUp(name, profile, "free"));
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("journey-service", Topic.PROFILE_CHANGES));
        given().header("Authorization", token("analyst")).get("/v1/profiles/{p}/journeys", profile)
                .then().body("journeys.size()", equalTo(1));
        MessageRequested first = requestsOf(profile).get(0);
        assertEquals("welcome-email", first.templateId());
        assertEquals("email", first.channel());
        assertEquals(journey, first.journeyId());
    }

    @Test
    void aTriggerWhoseFilterDoesNotHoldEntersNobody() {
        String name = "Free plans only " + UUID.randomUUID();
        publish(create(welcome(name, "P1D")));
        String paid = "p-" + UUID.randomUUID();
        publish(signedUp(name, paid, "paid"));
        String free = "p-" + UUID.randomUUID();
        publish(signedUp(name, free, "free"));
        awaitRequests(free, "welcome");
        assertEquals(List.of(), stepsRequested(paid));
    }

    @Test
    void aPausedJourneyHoldsItsWaitsAndResumingLetsThemGoOn() {
        String name = "Paused " + UUID.randomUUID();
        String journey = publish(create(welcome(name, "P1D")));
        String profile = "p-" + UUID.randomUUID();
        publish(signedUp(name, profile, "free"));
        awaitRequests(profile, "welcome");

        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/pause", journey)
                .then().statusCode(200).body("state", equalTo("paused"));
        clock.advance(Duration.ofDays(2));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", token("marketer"))
                .get("/v1/profiles/{p}/journeys", profile).then().body("journeys[0].state", equalTo("held")));
        assertEquals(List.of("welcome"), stepsRequested(profile));

        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/resume", journey)
                .then().statusCode(200).body("state", equalTo("active"));
        awaitRequests(profile, "welcome", "lesson-1");
    }

    @Test
    void anErasureRemovesTheProfilesInstancesAndTheirWaits() {
        String name = "Erased " + UUID.randomUUID();
        String journey = publish(create(welcome(name, "P30D")));
        String profile = "p-" + UUID.randomUUID();
        publish(signedUp(name, profile, "free"));
        awaitRequests(profile, "welcome");
        String erasureId = UUID.randomUUID().toString();
        events().publish(Topic.ERASURES, profile, EventTypes.PROFILE_ERASURE_REQUESTED,
                new ProfileErasureRequested(erasureId, profile, List.of(), Instant.now()));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", token("admin"))
                .get("/v1/erasure-receipts/{id}", erasureId).then().statusCode(200));
        given().header("Authorization", token("admin")).get("/v1/profiles/{p}/journeys", profile)
                .then().statusCode(200).body("journeys.size()", equalTo(0));
        given().header("Authorization", token("admin")).get("/v1/journeys/{id}", journey)
                .then().statusCode(200).body("nodes.size()", equalTo(0));
    }

    @Test
    void anExitEventEndsTheInstanceAtOnceInterruptingItsWait() {
        String name = "Win-back " + UUID.randomUUID();
        publish(create("""
                {"name": "%s", "trigger": {"event": "Went Quiet %s"}, "exitOn": {"event": "Bet Placed %s"},
                 "nodes": [{"id": "wait-30", "type": "wait", "duration": "P30D", "next": "win-back-1"},
                           {"id": "win-back-1", "type": "send", "template": "win-back-1", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(name, name, name)));
        String bettor = "p-" + UUID.randomUUID();
        String quiet = "p-" + UUID.randomUUID();
        publish(tracked(bettor, "Went Quiet " + name, Map.of()));
        publish(tracked(quiet, "Went Quiet " + name, Map.of()));
        awaitState(bettor, "waiting");
        awaitState(quiet, "waiting");

        publish(tracked(bettor, "Bet Placed " + name, Map.of("stake", 5)));
        awaitState(bettor, "exited");
        given().header("Authorization", token("analyst")).get("/v1/profiles/{p}/journeys", bettor)
                .then().body("journeys[0].exitReason", equalTo("exit event Bet Placed " + name));

        clock.advance(Duration.ofDays(31));
        // The one who kept quiet gets the win-back; the one who bet, whose wait was cancelled, does not.
        awaitRequests(quiet, "win-back-1");
        assertEquals(List.of(), stepsRequested(bettor));
    }

    @Test
    void theWinBackRestartsWithEveryBetSoItWritesOnlyAfterThirtyDaysWithoutOne() {
        // The shape of examples/betting-operator/journeys/win-back.json, on an event of its own.
        String name = "Win-back restart " + UUID.randomUUID();
        publish(create("""
                {"name": "%s", "trigger": {"event": "Bet %s"}, "exitOn": {"event": "Bet %s"},
                 "entry": {"reentry": "always"},
                 "nodes": [{"id": "quiet-30", "type": "wait", "duration": "P30D", "next": "win-back-30"},
                           {"id": "win-back-30", "type": "send", "template": "win-back-30", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(name, name, name)));
        String bettor = "p-" + UUID.randomUUID();
        publish(tracked(bettor, "Bet " + name, Map.of("stake", 5)));
        awaitState(bettor, "waiting");
        clock.advance(Duration.ofDays(20));
        publish(tracked(bettor, "Bet " + name, Map.of("stake", 7)));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", token("analyst"))
                .get("/v1/profiles/{p}/journeys", bettor).then()
                .body("journeys.size()", equalTo(2))
                .body("journeys[0].state", equalTo("exited"))
                .body("journeys[0].exitReason", equalTo("exit event Bet " + name))
                .body("journeys[1].state", equalTo("waiting")));
        // 31 days after the first bet, 11 after the second: nothing yet; 30 after the second: the win-back.
        clock.advance(Duration.ofDays(11));
        clock.advance(Duration.ofDays(19));
        awaitRequests(bettor, "win-back-30");
        given().header("Authorization", token("analyst")).get("/v1/profiles/{p}/journeys", bettor)
                .then().body("journeys[1].steps.outcome", hasItems("exited: completed"));
    }

    @Test
    void keyedInstancesRunOnePerOrderAndReenterOnceTheLastEnded() {
        String name = "Offer " + UUID.randomUUID();
        publish(create("""
                {"name": "%s", "trigger": {"event": "Offer Sent %s"}, "entry": {"key": "orderId", "reentry": "always"},
                 "nodes": [{"id": "deadline", "type": "wait", "duration": "P10D", "next": "ship"},
                           {"id": "ship", "type": "send", "template": "shipped", "transactional": true, "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(name, name)));
        String profile = "p-" + UUID.randomUUID();
        ProfileChanged orderA = tracked(profile, "Offer Sent " + name, Map.of("orderId", "A"));
        publish(orderA);
        publish(tracked(profile, "Offer Sent " + name, Map.of("orderId", "B")));
        // The same trigger again, and a new one for an order still in progress: neither enters.
        publish(orderA);
        publish(tracked(profile, "Offer Sent " + name, Map.of("orderId", "A")));
        publish(tracked(profile, "Offer Sent " + name, Map.of("campaign", "no order id")));
        await().atMost(WAIT).until(() -> events().consumedToTheEnd("journey-service", Topic.PROFILE_CHANGES));
        given().header("Authorization", token("analyst")).get("/v1/profiles/{p}/journeys", profile)
                .then().body("journeys.size()", equalTo(2)).body("journeys.entryKey", hasItems("A", "B"))
                .body("journeys.state", hasItems("waiting"));

        clock.advance(Duration.ofDays(10));
        awaitRequests(profile, "ship", "ship");
        awaitState(profile, "exited");
        // Order A ended: "always" lets the same order in again.
        publish(tracked(profile, "Offer Sent " + name, Map.of("orderId", "A")));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", token("analyst"))
                .get("/v1/profiles/{p}/journeys", profile).then().body("journeys.size()", equalTo(3)));
    }

    @Test
    void definitionsAreValidatedWholeVersionedAndGuardedByRoles() {
        given().header("Authorization", token("marketer")).contentType(ContentType.JSON)
                .body("{\"name\": \"broken\", \"trigger\": {}, \"nodes\": [{\"id\": \"a\", \"type\": \"wait\", \"duration\": \"soon\", \"next\": \"b\"}]}")
                .post("/v1/journeys")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItems("trigger.event", "nodes[0].duration"));
        given().header("Authorization", token("analyst")).contentType(ContentType.JSON).body(welcome("x", "P1D"))
                .post("/v1/journeys").then().statusCode(403);
        String id = create(welcome("Versions " + UUID.randomUUID(), "P1D"));
        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/pause", id).then().statusCode(409);
        publish(id);
        given().header("Authorization", token("marketer")).contentType(ContentType.JSON).body(welcome("Versions 2", "P2D"))
                .put("/v1/journeys/{id}", id).then().statusCode(200).body("publishedVersion", equalTo(1));
        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/publish", id)
                .then().statusCode(200).body("version", equalTo(2));
        given().header("Authorization", token("analyst")).get("/v1/journeys/{id}/versions", id)
                .then().statusCode(200).body("version", hasItems(1, 2));
        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/archive", id)
                .then().statusCode(200).body("state", equalTo("archived"));
        given().header("Authorization", token("marketer")).post("/v1/journeys/{id}/publish", id).then().statusCode(409);
        given().header("Authorization", token("analyst")).queryParam("limit", 1).get("/v1/journeys")
                .then().statusCode(200).body("items.size()", equalTo(1));
    }

    // ---- helpers

    /** Each test's journey listens for an event of its own, so the journeys of other tests stay out of it. */
    static String welcome(String name, String wait) {
        return """
                {"name": "%s",
                 "trigger": {"event": "Signed Up %s", "where": {"plan": "free"}},
                 "nodes": [
                   {"id": "welcome", "type": "send", "template": "welcome-email", "channel": "email", "next": "wait"},
                   {"id": "wait", "type": "wait", "duration": "%s", "next": "lesson-1"},
                   {"id": "lesson-1", "type": "send", "template": "lesson-1", "next": "done"},
                   {"id": "done", "type": "exit"}]}""".formatted(name, name, wait);
    }

    private String create(String definition) {
        return stack.create(definition);
    }

    private String publish(String journeyId) {
        return stack.publish(journeyId);
    }

    private static ProfileChanged signedUp(String journeyName, String profileId, String plan) {
        return tracked(profileId, "Signed Up " + journeyName, Map.of("plan", plan));
    }

    /** A change as profile-service publishes it after applying a tracked event (the plan is also a trait). */
    private static ProfileChanged tracked(String profileId, String event, Map<String, Object> properties) {
        return JourneyStack.tracked(profileId, event, properties,
                properties.containsKey("plan") ? Map.of("plan", properties.get("plan")) : Map.of(), Map.of(), List.of(), Instant.now());
    }

    private void awaitState(String profileId, String state) {
        stack.awaitState(profileId, state);
    }

    private void publish(ProfileChanged change) {
        stack.publish(change);
    }

    private TestEvents events() {
        return stack.events();
    }

    private void awaitRequests(String profileId, String... steps) {
        stack.awaitRequests(profileId, steps);
    }

    private List<String> stepsRequested(String profileId) {
        return stack.stepsRequested(profileId);
    }

    private List<MessageRequested> requestsOf(String profileId) {
        return stack.requestsOf(profileId);
    }

    private List<JourneyEvent> journeyEventsOf(String profileId) {
        return stack.journeyEventsOf(profileId);
    }

    private String token(String role) {
        return stack.token(role);
    }

}
