package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static io.touchpoint.journey.JourneyStack.WAIT;
import static io.touchpoint.journey.JourneyStack.tracked;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.JourneyEvent;
import io.touchpoint.contracts.events.MessageRequested;

/**
 * Every node, trigger and exit beyond the basics, on the real stack: changes and memberships go in
 * through Kafka as profile-service and segmentation publish them, message requests and journey
 * events come back from Kafka, and time moves on the adjustable clock.
 */
@QuarkusTest
class JourneyNodesOnTheStackTest extends OnTheStack {


    private static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aWaitForACancellationMatchesOnlyItsOwnOrderAndTheOtherShipsAtItsDeadline() {
        String event = "Offer Sent " + id();
        String cancel = "Offer Cancelled " + id();
        String journey = stack.publish(stack.create("""
                {"name": "negative option %s", "trigger": {"event": "%s"}, "entry": {"key": "orderId", "reentry": "always"},
                 "nodes": [
                   {"id": "await-cancel", "type": "waitForEvent", "event": "%s", "where": {"orderId": {"entry": "orderId"}},
                    "untilEntry": "deadline", "next": "cancelled", "timeoutNext": "ship"},
                   {"id": "ship", "type": "send", "template": "ship-notice", "channel": "sms", "transactional": true, "next": "done"},
                   {"id": "cancelled", "type": "exit"},
                   {"id": "done", "type": "exit"}]}""".formatted(id(), event, cancel)));
        Instant now = Instant.parse("2027-01-10T10:00:00Z");
        clock.freezeAt(now);
        String deadline = now.plus(Duration.ofDays(10)).toString();
        String profile = "p-" + UUID.randomUUID();
        stack.publish(tracked(profile, event, Map.of("orderId", "o-1", "deadline", deadline)));
        stack.publish(tracked(profile, event, Map.of("orderId", "o-2", "deadline", deadline)));
        stack.consumed();
        // The customer cancels the second order only; another order's id on the same event matches nothing.
        stack.publish(tracked(profile, cancel, Map.of("orderId", "o-2")));
        stack.publish(tracked(profile, cancel, Map.of("orderId", "o-9")));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", stack.token("analyst"))
                .get("/v1/profiles/{p}/journeys", profile).then()
                .body("journeys.find { it.entryKey == 'o-2' }.state", equalTo("exited"))
                .body("journeys.find { it.entryKey == 'o-2' }.steps.outcome", hasItem(cancel + " arrived"))
                .body("journeys.find { it.entryKey == 'o-1' }.state", equalTo("waiting")));

        clock.moveTo(now.plus(Duration.ofDays(10)));
        stack.awaitRequests(profile, "ship");
        MessageRequested ship = stack.requestsOf(profile).get(0);
        assertEquals("o-1", ((Map<?, ?>) ship.variables().get("entry")).get("orderId"), "only the order not cancelled ships");
        assertEquals(now.plus(Duration.ofDays(10)), ship.requestedAt());
        assertTrue(ship.transactional());
        given().header("Authorization", stack.token("analyst")).get("/v1/journeys/{id}", journey).then()
                .body("nodes.cancelled.exited", equalTo(1)).body("nodes.done.exited", equalTo(1));
    }

    @Test
    void aWaitUntilNineLocalEndsAtNineInEachRecipientsZoneAcrossADaylightSavingChange() {
        String event = "Asked For Tips " + id();
        stack.publish(stack.create("""
                {"name": "tips %s", "trigger": {"event": "%s"}, "timeZone": "Europe/London",
                 "nodes": [
                   {"id": "morning", "type": "waitUntil", "time": "09:00", "next": "tips"},
                   {"id": "tips", "type": "send", "template": "tips", "next": "done"},
                   {"id": "done", "type": "exit"}]}""".formatted(id(), event)));
        // Saturday noon in Helsinki, 10:00 in London: both put their clocks forward that night.
        Instant saturday = Instant.parse("2027-03-27T10:00:00Z");
        clock.freezeAt(saturday);
        String helsinki = "p-" + UUID.randomUUID();
        String newYork = "p-" + UUID.randomUUID();
        String london = "p-" + UUID.randomUUID();
        stack.publish(tracked(helsinki, event, Map.of(), Map.of(), Map.of("timeZone", "Europe/Helsinki"), List.of(), saturday));
        stack.publish(tracked(newYork, event, Map.of(), Map.of("timeZone", "America/New_York"), Map.of(), List.of(), saturday));
        stack.publish(tracked(london, event, Map.of(), Map.of(), Map.of(), List.of(), saturday));
        stack.consumed();
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", stack.token("analyst"))
                .get("/v1/profiles/{p}/journeys", newYork).then().body("journeys[0].state", equalTo("waiting")));

        // New York is already on summer time (09:00 is 13:00Z today); Helsinki and London (the journey's zone, for
        // who states none) reach 09:00 tomorrow, on summer time: 06:00Z and 08:00Z, not 07:00Z and 09:00Z.
        Instant helsinkiNine = Instant.parse("2027-03-28T06:00:00Z");
        Instant londonNine = Instant.parse("2027-03-28T08:00:00Z");
        Instant newYorkNine = Instant.parse("2027-03-27T13:00:00Z");
        clock.moveTo(newYorkNine);
        stack.awaitRequests(newYork, "tips");
        clock.moveTo(helsinkiNine);
        stack.awaitRequests(helsinki, "tips");
        clock.moveTo(londonNine);
        stack.awaitRequests(london, "tips");
        assertEquals(newYorkNine, stack.requestsOf(newYork).get(0).requestedAt());
        assertEquals(helsinkiNine, stack.requestsOf(helsinki).get(0).requestedAt());
        assertEquals(londonNine, stack.requestsOf(london).get(0).requestedAt());
    }

    @Test
    void branchesRouteByTraitAndEntryPayloadAndASplitKeepsEachProfileInItsArm() {
        String event = "Visited " + id();
        String journey = stack.publish(stack.create("""
                {"name": "offers %s", "trigger": {"event": "%s"}, "entry": {"reentry": "always"},
                 "nodes": [
                   {"id": "route", "type": "branch", "branches": [
                      {"name": "vip", "when": {"trait": "tier", "operator": "equals", "value": "gold"}, "next": "vip"},
                      {"name": "big basket", "when": {"entry": "basket", "operator": "gte", "value": 100}, "next": "big"}],
                    "otherwise": "test"},
                   {"id": "vip", "type": "send", "template": "vip", "next": "done"},
                   {"id": "big", "type": "send", "template": "big", "next": "done"},
                   {"id": "test", "type": "split", "arms": [{"name": "A", "percent": 45, "next": "a"},
                      {"name": "B", "percent": 45, "next": "b"}], "holdout": 10},
                   {"id": "a", "type": "send", "template": "offer-a", "next": "done"},
                   {"id": "b", "type": "send", "template": "offer-b", "next": "done"},
                   {"id": "done", "type": "exit"}]}""".formatted(id(), event)));
        String gold = "p-" + UUID.randomUUID();
        String big = "p-" + UUID.randomUUID();
        stack.publish(tracked(gold, event, Map.of("basket", 500), Map.of("tier", "gold"), Map.of(), List.of(), Instant.now()));
        stack.publish(tracked(big, event, Map.of("basket", 120), Map.of("tier", "silver"), Map.of(), List.of(), Instant.now()));
        List<String> others = IntStream.range(0, 40).mapToObj(i -> "p-" + UUID.randomUUID()).toList();
        others.forEach(p -> stack.publish(tracked(p, event, Map.of("basket", 20))));
        stack.awaitRequests(gold, "vip");
        stack.awaitRequests(big, "big");

        Map<String, String> arms = new HashMap<>();
        await().atMost(WAIT).until(() -> others.stream().allMatch(p -> stack.journeyEventsOf(p).stream()
                .anyMatch(e -> e.kind() == JourneyEvent.Kind.EXITED)));
        for (String p : others) {
            String arm = stack.journeyEventsOf(p).stream().filter(e -> e.kind() == JourneyEvent.Kind.ARM).findFirst()
                    .orElseThrow().detail();
            arms.put(p, arm);
            // The exit and the request leave through the outbox on two topics: the request may be read later.
            List<String> expected = arm.equals("holdout") ? List.of() : List.of(arm.toLowerCase());
            await().atMost(WAIT).untilAsserted(() -> assertEquals(expected, stack.stepsRequested(p), p + " in arm " + arm));
        }
        assertTrue(arms.containsValue("A") && arms.containsValue("B"), arms.toString());

        // Entering again: the same arm, every time.
        others.forEach(p -> stack.publish(tracked(p, event, Map.of("basket", 20))));
        await().atMost(WAIT).until(() -> others.stream().allMatch(p -> stack.journeyEventsOf(p).stream()
                .filter(e -> e.kind() == JourneyEvent.Kind.EXITED).count() == 2));
        for (String p : others) {
            assertTrue(stack.journeyEventsOf(p).stream().filter(e -> e.kind() == JourneyEvent.Kind.ARM)
                    .allMatch(e -> e.detail().equals(arms.get(p))), p);
        }
        given().header("Authorization", stack.token("analyst")).get("/v1/profiles/{p}/journeys", gold).then()
                .body("journeys[0].steps.outcome", hasItem("branch vip"));
        given().header("Authorization", stack.token("analyst")).get("/v1/journeys/{id}", journey).then().statusCode(200);
    }

    @Test
    void enteringASegmentStartsTheJourneyAndLeavingItEndsItAtOnce() {
        String segment = "seg-" + id();
        stack.publish(stack.create("""
                {"name": "segment welcome %s", "trigger": {"segment": "%s", "on": "entered"}, "exitOn": {"segmentLeft": "%s"},
                 "entry": {"reentry": "always"},
                 "nodes": [
                   {"id": "hello", "type": "send", "template": "hello", "next": "later"},
                   {"id": "later", "type": "wait", "duration": "P30D", "next": "still-here"},
                   {"id": "still-here", "type": "send", "template": "still-here", "next": "done"},
                   {"id": "done", "type": "exit"}]}""".formatted(id(), segment, segment)));
        String leaves = "p-" + UUID.randomUUID();
        String stays = "p-" + UUID.randomUUID();
        Instant at = Instant.now();
        for (String p : List.of(leaves, stays)) {
            stack.publish(tracked(p, null, Map.of()));
        }
        stack.consumed();
        stack.membership(leaves, segment, true, at);
        stack.membership(stays, segment, true, at);
        stack.awaitRequests(leaves, "hello");
        stack.awaitRequests(stays, "hello");
        // A redelivered "entered" enters nobody again.
        stack.membership(leaves, segment, true, at);
        stack.membership(leaves, segment, false, at.plusSeconds(1));
        stack.awaitState(leaves, "exited");
        given().header("Authorization", stack.token("analyst")).get("/v1/profiles/{p}/journeys", leaves).then()
                .body("journeys.size()", equalTo(1)).body("journeys[0].exitReason", equalTo("left segment " + segment));

        clock.advance(Duration.ofDays(30));
        stack.awaitRequests(stays, "hello", "still-here");
        assertEquals(List.of("hello"), stack.stepsRequested(leaves));
    }

    @Test
    void apiEntriesEnterKnownProfilesWithTheirPayloadOncePerKey() {
        String journey = stack.publish(stack.create("""
                {"name": "api %s", "trigger": {"api": true}, "entry": {"reentry": "always"},
                 "nodes": [{"id": "coupon", "type": "send", "template": "coupon", "next": "done"}, {"id": "done", "type": "exit"}]}"""
                .formatted(id())));
        String known = "p-" + UUID.randomUUID();
        stack.publish(tracked(known, null, Map.of()));
        stack.consumed();
        String body = """
                {"key": "call-%s", "recipients": [{"profileId": "%s", "payload": {"coupon": "SPRING"}}, {"profileId": "nobody-%s"}]}"""
                .formatted(id(), known, id());
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(body)
                .post("/v1/journeys/{id}/entries", journey).then().statusCode(200)
                .body("entered", equalTo(1)).body("repeated", equalTo(false))
                .body("recipients[1].reason", equalTo("unknown profile"));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(body)
                .post("/v1/journeys/{id}/entries", journey).then().statusCode(200)
                .body("entered", equalTo(1)).body("repeated", equalTo(true));
        stack.awaitRequests(known, "coupon");
        assertEquals("SPRING", ((Map<?, ?>) stack.requestsOf(known).get(0).variables().get("entry")).get("coupon"));

        // Erased: the stored answer no longer names the person, and repeating the call still enters nobody.
        String erasure = UUID.randomUUID().toString();
        stack.events().publish(io.touchpoint.contracts.Topic.ERASURES, known, io.touchpoint.contracts.EventTypes.PROFILE_ERASURE_REQUESTED,
                new io.touchpoint.contracts.events.ProfileErasureRequested(erasure, known, List.of(), Instant.now()));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", stack.token("admin"))
                .get("/v1/erasure-receipts/{id}", erasure).then().statusCode(200));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(body)
                .post("/v1/journeys/{id}/entries", journey).then().statusCode(200)
                .body("repeated", equalTo(true)).body("recipients.profileId", not(hasItem(known)));

        List<Map<String, String>> tooMany = new ArrayList<>();
        IntStream.range(0, 1001).forEach(i -> tooMany.add(Map.of("profileId", "p-" + i)));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON)
                .body(Map.of("key", "k", "recipients", tooMany)).post("/v1/journeys/{id}/entries", journey)
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("recipients"));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON)
                .body("{\"recipients\": [{\"profileId\": \" \"}]}").post("/v1/journeys/{id}/entries", journey)
                .then().statusCode(400).body("errors.field", hasItem("key")).body("errors.field", hasItem("recipients[0].profileId"));
        String eventJourney = stack.publish(stack.create("""
                {"name": "evt %s", "trigger": {"event": "X"}, "nodes": [{"id": "done", "type": "exit"}]}""".formatted(id())));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(body)
                .post("/v1/journeys/{id}/entries", eventJourney).then().statusCode(409);
        given().header("Authorization", stack.token("analyst")).contentType(ContentType.JSON).body(body)
                .post("/v1/journeys/{id}/entries", journey).then().statusCode(403);
    }

    @Test
    void aWeeklyBroadcastReachesItsAudienceAtNineInEachRecipientsOwnZone() {
        String segment = "active-" + id();
        String topic = "news-" + id();
        // The clock stops before the journey is published: publishing arms the next Monday 09:00 wherever it comes first.
        Instant sunday = Instant.parse("2027-06-06T12:00:00Z");
        clock.freezeAt(sunday);
        String member = "p-" + UUID.randomUUID();
        String subscriber = "p-" + UUID.randomUUID();
        String neither = "p-" + UUID.randomUUID();
        stack.publish(tracked(member, null, Map.of(), Map.of(), Map.of("timeZone", "Europe/Helsinki"), List.of(), sunday));
        stack.publish(tracked(subscriber, null, Map.of(), Map.of(), Map.of("timeZone", "America/New_York"),
                List.of(new ConsentState("email", topic, ConsentState.Status.GRANTED, false, sunday, "test")), sunday));
        stack.publish(tracked(neither, null, Map.of()));
        stack.consumed();
        stack.membership(member, segment, true, sunday);
        stack.consumed();
        String journey = stack.publish(stack.create("""
                {"name": "newsletter %s", "trigger": {"schedule": {"every": "week", "days": ["MON"], "time": "09:00", "recipientTime": true}},
                 "audience": {"any": [{"inSegment": "%s"}, {"consent": {"channel": "email", "topic": "%s"}}]},
                 "entry": {"reentry": "always"},
                 "nodes": [{"id": "issue", "type": "send", "template": "newsletter", "topic": "%s", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(id(), segment, topic, topic)));
        // Each recipient is held until 09:00 in their own zone.
        Instant helsinkiNine = Instant.parse("2027-06-07T06:00:00Z");
        Instant newYorkNine = Instant.parse("2027-06-07T13:00:00Z");
        clock.moveTo(helsinkiNine);
        stack.awaitRequests(member, "issue");
        clock.moveTo(newYorkNine);
        stack.awaitRequests(subscriber, "issue");
        assertEquals(helsinkiNine, stack.requestsOf(member).get(0).requestedAt());
        assertEquals(newYorkNine, stack.requestsOf(subscriber).get(0).requestedAt());
        assertEquals(List.of(), stack.stepsRequested(neither));
        // The next week's issue goes out too, once.
        clock.moveTo(helsinkiNine.plus(Duration.ofDays(7)));
        stack.awaitRequests(member, "issue", "issue");
        given().header("Authorization", stack.token("marketer")).post("/v1/journeys/{id}/archive", journey).then().statusCode(200);
    }

    @Test
    void aGoalIsCountedOnceAndEndsTheInstanceBeforeItsReminder() {
        String event = "Viewed Offer " + id();
        String order = "Order Placed " + id();
        stack.publish(stack.create("""
                {"name": "goal %s", "trigger": {"event": "%s"}, "goal": {"event": "%s", "within": "P7D", "exit": true},
                 "nodes": [{"id": "wait", "type": "wait", "duration": "P3D", "next": "remind"},
                           {"id": "remind", "type": "send", "template": "reminder", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(id(), event, order)));
        String converts = "p-" + UUID.randomUUID();
        String sentinel = "p-" + UUID.randomUUID();
        stack.publish(tracked(converts, event, Map.of()));
        stack.publish(tracked(sentinel, event, Map.of()));
        stack.consumed();
        stack.publish(tracked(converts, order, Map.of()));
        stack.publish(tracked(converts, order, Map.of()));
        stack.awaitState(converts, "exited");
        clock.advance(Duration.ofDays(3));
        stack.awaitRequests(sentinel, "remind");
        assertEquals(List.of(), stack.stepsRequested(converts));
        await().atMost(WAIT).until(() -> stack.journeyEventsOf(converts).stream().anyMatch(e -> e.kind() == JourneyEvent.Kind.EXITED));
        assertEquals(1, stack.journeyEventsOf(converts).stream().filter(e -> e.kind() == JourneyEvent.Kind.GOAL).count());
        given().header("Authorization", stack.token("analyst")).get("/v1/profiles/{p}/journeys", converts).then()
                .body("journeys[0].exitReason", equalTo("goal " + order + " reached"));
    }

    @Test
    void publishingANewVersionMovesWaitingInstancesToItsSameNodesOrExitsThemAsAsked() {
        String event = "Joined " + id();
        String v1 = """
                {"name": "versions %s", "trigger": {"event": "%s"},
                 "nodes": [{"id": "first", "type": "send", "template": "first", "next": "pause"},
                           {"id": "pause", "type": "wait", "duration": "P1D", "next": "old"},
                           {"id": "old", "type": "send", "template": "old", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(id(), event);
        String v2 = v1.replace("\"next\": \"old\"}", "\"next\": \"new\"}").replace("{\"id\": \"old\", \"type\": \"send\", \"template\": \"old\"",
                "{\"id\": \"new\", \"type\": \"send\", \"template\": \"new\"");
        String moved = stack.publish(stack.create(v1));
        String exited = stack.publish(stack.create(v1.replace("versions", "versions exit")));
        String a = "p-" + UUID.randomUUID();
        stack.publish(tracked(a, event, Map.of()));
        stack.awaitRequests(a, "first", "first");
        for (String j : List.of(moved, exited)) {
            given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(v2)
                    .put("/v1/journeys/{id}", j).then().statusCode(200);
        }
        // Misspelt, it would leave the instances where they are without a word.
        given().header("Authorization", stack.token("marketer")).queryParam("inflight", "move")
                .post("/v1/journeys/{id}/publish", moved).then().statusCode(400).body("errors[0].field", equalTo("inflight"));
        given().header("Authorization", stack.token("marketer")).queryParam("inFlight", "move")
                .post("/v1/journeys/{id}/publish", moved).then().statusCode(200).body("version", equalTo(2));
        given().header("Authorization", stack.token("marketer")).queryParam("inFlight", "exit")
                .post("/v1/journeys/{id}/publish", exited).then().statusCode(200);
        given().header("Authorization", stack.token("marketer")).queryParam("inFlight", "sideways")
                .post("/v1/journeys/{id}/publish", exited).then().statusCode(400).body("errors[0].field", equalTo("query.inFlight"));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", stack.token("analyst"))
                .get("/v1/profiles/{p}/journeys", a).then()
                .body("journeys.find { it.journeyId == '%s' }.version".formatted(moved), equalTo(2))
                .body("journeys.find { it.journeyId == '%s' }.exitReason".formatted(exited), equalTo("version 2 published")));
        clock.advance(Duration.ofDays(1));
        stack.awaitRequests(a, "first", "first", "new");
    }

    @Test
    void aMergeHandsTheMergedProfilesInstancesToTheSurvivor() {
        String event = "Browsed " + id();
        stack.publish(stack.create("""
                {"name": "merge %s", "trigger": {"event": "%s"},
                 "nodes": [{"id": "wait", "type": "wait", "duration": "P1D", "next": "nudge"},
                           {"id": "nudge", "type": "send", "template": "nudge", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(id(), event)));
        String device = "p-" + UUID.randomUUID();
        String person = "p-" + UUID.randomUUID();
        stack.publish(tracked(device, event, Map.of()));
        stack.publish(tracked(person, null, Map.of()));
        stack.awaitState(device, "waiting");
        stack.publish(JourneyStack.merged(person, List.of(device), Instant.now()));
        stack.awaitState(person, "waiting");
        clock.advance(Duration.ofDays(1));
        stack.awaitRequests(person, "nudge");
        assertEquals(List.of(), stack.stepsRequested(device));
    }

    @Test
    void aDateTriggerEntersThreeDaysBeforeEachBirthdayAndFollowsAChangedDate() {
        stack.publish(stack.create("""
                {"name": "birthday %s", "trigger": {"date": {"trait": "birthday", "anniversary": true, "offsetDays": -3, "time": "09:00"}},
                 "entry": {"reentry": "always"},
                 "nodes": [{"id": "greet", "type": "send", "template": "birthday", "next": "done"}, {"id": "done", "type": "exit"}]}"""
                .formatted(id())));
        Instant may = Instant.parse("2027-05-01T00:00:00Z");
        clock.freezeAt(may);
        String fixed = "p-" + UUID.randomUUID();
        String moved = "p-" + UUID.randomUUID();
        stack.publish(tracked(fixed, null, Map.of(), Map.of("birthday", "1990-05-10"), Map.of(), List.of(), may));
        stack.publish(tracked(moved, null, Map.of(), Map.of("birthday", "1985-05-20"), Map.of(), List.of(), may));
        stack.publish(tracked(moved, null, Map.of(), Map.of("birthday", "1985-05-08"), Map.of(), List.of(), may));
        stack.consumed();
        clock.moveTo(Instant.parse("2027-05-05T09:00:00Z"));
        stack.awaitRequests(moved, "greet");
        clock.moveTo(Instant.parse("2027-05-07T09:00:00Z"));
        stack.awaitRequests(fixed, "greet");
        assertEquals(Instant.parse("2027-05-07T09:00:00Z"), stack.requestsOf(fixed).get(0).requestedAt());
        assertEquals(List.of("greet"), stack.stepsRequested(moved), "the old date enters nobody");
    }

    @Test
    void anUpdateTraitsStepIsAnIdentifyNamingTheProfilePublishedOncePerStep() {
        String event = "Offer Declined " + id();
        stack.publish(stack.create("""
                {"name": "traits %s", "trigger": {"event": "%s"}, "entry": {"reentry": "always"},
                 "nodes": [{"id": "mark", "type": "updateTraits", "traits": {"offerOutcome": "declined"}, "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(id(), event)));
        String profile = "p-" + UUID.randomUUID();
        stack.publish(tracked(profile, event, Map.of()));
        await().atMost(WAIT).until(() -> stack.identifiesOf(profile).size() == 1);
        var identify = stack.identifiesOf(profile).get(0);
        assertEquals(io.touchpoint.contracts.events.Interaction.IDENTIFY, identify.type());
        assertEquals(io.touchpoint.contracts.events.Interaction.JOURNEY_SOURCE, identify.sourceId());
        assertEquals(Map.of("offerOutcome", "declined"), identify.traits());
        stack.publish(tracked(profile, event, Map.of()));
        await().atMost(WAIT).until(() -> stack.identifiesOf(profile).size() == 2);
        assertEquals(2, stack.identifiesOf(profile).stream().map(io.touchpoint.contracts.events.Interaction::messageId).distinct().count(),
                "each step's identify has its own message id; a redelivery of one would carry the same");
    }

    @Test
    void aTestRunTracesADraftOnItsOwnClockWithoutSendingAnything() {
        String journey = stack.create("""
                {"name": "test run %s", "trigger": {"event": "Ordered"}, "entry": {"key": "orderId"},
                 "nodes": [
                   {"id": "route", "type": "branch", "branches": [
                      {"name": "gold", "when": {"trait": "tier", "operator": "equals", "value": "gold"}, "next": "thanks"}],
                    "otherwise": "done"},
                   {"id": "thanks", "type": "send", "template": "thanks", "next": "await"},
                   {"id": "await", "type": "waitForEvent", "event": "Returned", "where": {"orderId": {"entry": "orderId"}},
                    "timeout": "P14D", "next": "sorry", "timeoutNext": "review"},
                   {"id": "sorry", "type": "send", "template": "sorry", "next": "done"},
                   {"id": "review", "type": "send", "template": "review", "next": "done"},
                   {"id": "done", "type": "exit"}]}""".formatted(id()));
        String request = """
                {"traits": {"tier": "gold"}, "payload": {"orderId": "o-7"},
                 "events": [{"event": "Returned", "properties": {"orderId": "o-1"}, "after": "P2D"},
                            {"event": "Returned", "properties": {"orderId": "o-7"}, "after": "P3D"}]}""";
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(request)
                .post("/v1/journeys/{id}/test-runs", journey).then().statusCode(200)
                .body("ranOn", equalTo("draft"))
                .body("trace.nodeId", equalTo(List.of("route", "route", "thanks", "await", "await", "sorry", "done")))
                .body("trace[4].outcome", equalTo("Returned arrived"))
                .body("trace[5].message.template", equalTo("sorry"));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON)
                .body("{\"traits\": {\"tier\": \"gold\"}, \"payload\": {\"orderId\": \"o-7\"}}")
                .post("/v1/journeys/{id}/test-runs", journey).then().statusCode(200)
                .body("trace.nodeId", equalTo(List.of("route", "route", "thanks", "await", "await", "review", "done")));
        given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON)
                .body("{\"events\": [{\"event\": \"Returned\", \"after\": \"soon\"}]}")
                .post("/v1/journeys/{id}/test-runs", journey).then().statusCode(400)
                .body("errors[0].field", equalTo("events[0].after"));
        assertEquals(List.of(), stack.stepsRequested("test-profile"), "a test run sends nothing");
    }

    @Test
    void aPoisonChangeGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        String event = "Poisoned " + id();
        stack.publish(stack.create("""
                {"name": "poison %s", "trigger": {"event": "%s"},
                 "nodes": [{"id": "hello", "type": "send", "template": "hello", "next": "done"}, {"id": "done", "type": "exit"}]}"""
                .formatted(id(), event)));
        var good = tracked("p-" + UUID.randomUUID(), event, Map.of());
        var poison = tracked(good.profileId(), event, Map.of());
        // No profile id: nothing can store it, whatever the number of tries.
        var nobody = new io.touchpoint.contracts.events.ProfileChanged(null, poison.version(), poison.changed(), poison.traits(),
                poison.computed(), poison.consents(), poison.preferences(), poison.mergedProfileIds(), poison.trigger(),
                poison.occurredAt());
        stack.events().publish(io.touchpoint.contracts.Topic.PROFILE_CHANGES, good.profileId(),
                io.touchpoint.contracts.EventTypes.PROFILE_CHANGED, nobody);
        stack.publish(good);
        stack.awaitRequests(good.profileId(), "hello");
        await().atMost(WAIT).until(() -> stack.deadLetters().stream().anyMatch(r -> r.contains(poison.trigger().messageId())));
    }

    @Test
    void theOpenApiDocumentDescribesTheDefinitionSchema() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("components.schemas.JourneyDefinition.required", hasItem("trigger"))
                .body("components.schemas.JourneyNode.properties.type.enum", hasItem("waitForEvent"))
                .body("paths.'/v1/journeys'.post.requestBody.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/JourneyDefinition"));
    }
}
