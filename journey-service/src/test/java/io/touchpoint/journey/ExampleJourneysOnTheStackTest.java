package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static io.touchpoint.journey.JourneyStack.WAIT;
import static io.touchpoint.journey.JourneyStack.tracked;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.touchpoint.contracts.events.ConsentState;

/**
 * The reference scenario's automations as shipped in {@code examples/}, run on the stack on the
 * injectable clock: every message request they make, when, and none where the rules forbid one.
 * Segment memberships arrive as segmentation publishes them; the preset segments keep their ids.
 */
@QuarkusTest
class ExampleJourneysOnTheStackTest extends OnTheStack {


    private static String example(String path) {
        try {
            return Files.readString(Path.of("..", "examples", path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void archive(String journey) {
        given().header("Authorization", stack.token("marketer")).post("/v1/journeys/{id}/archive", journey).then().statusCode(200);
    }

    private static String profile() {
        return "p-" + UUID.randomUUID();
    }

    @Test
    void theMonthlyNegativeOptionOfferPicksAnOfferPerCustomerAndShipsUnlessCancelledOrBlocked() {
        String programme = "programme-" + UUID.randomUUID();
        String definition = example("mail-order/journeys/negative-option-offer.json")
                .replace("@segment:Negative-option programme members", programme);
        // 31 January, noon: the offer goes out on 1 February at 09:00 in Helsinki (07:00Z).
        Instant before = Instant.parse("2027-01-31T12:00:00Z");
        clock.freezeAt(before);
        String premium = profile();
        String sms = profile();
        String starter = profile();
        String standard = profile();
        String blocked = profile();
        String cancels = profile();
        String outsider = profile();
        stack.publish(tracked(premium, null, Map.of()));
        stack.publish(tracked(sms, null, Map.of(), Map.of("preferredChannel", "sms"), Map.of(), List.of(), before));
        stack.publish(tracked(starter, null, Map.of()));
        for (String p : List.of(standard, cancels, outsider)) {
            stack.publish(withOrders(p, Map.of()));
        }
        stack.publish(withOrders(blocked, Map.of("creditProblem", true)));
        for (String p : List.of(premium, sms, starter, standard, blocked, cancels)) {
            stack.membership(p, programme, true, before);
        }
        stack.membership(premium, "margin-lifetime-7", true, before);
        stack.consumed();
        String journey = stack.publish(stack.create(definition));

        Instant offerDay = Instant.parse("2027-02-01T07:00:00Z");
        clock.moveTo(offerDay);
        stack.awaitRequests(premium, "offer-premium");
        stack.awaitRequests(sms, "offer-sms");
        stack.awaitRequests(starter, "offer-starter");
        for (String p : List.of(standard, blocked, cancels)) {
            stack.awaitRequests(p, "offer-standard");
        }
        assertEquals("sms", stack.requestsOf(sms).get(0).channel());
        // The cancellation names the month's offer (the occurrence the link carried).
        stack.publish(tracked(cancels, "Offer Cancelled", Map.of("occurrence", "2027-02-01T09:00")));
        stack.awaitState(cancels, "exited");

        clock.moveTo(offerDay.plus(Duration.ofDays(14)));
        for (String p : List.of(premium, sms, starter, standard)) {
            await().atMost(WAIT).until(() -> stack.stepsRequested(p).size() == 2);
            assertEquals("ship", stack.stepsRequested(p).get(1), p);
            assertEquals(offerDay.plus(Duration.ofDays(14)), stack.requestsOf(p).get(1).requestedAt());
            await().atMost(WAIT).until(() -> stack.identifiesOf(p).size() == 1);
        }
        stack.awaitState(blocked, "exited");
        given().header("Authorization", stack.token("analyst")).get("/v1/profiles/{p}/journeys", blocked).then()
                .body("journeys[0].nodeId", equalTo("no-ship"));
        assertEquals(List.of("offer-standard"), stack.stepsRequested(blocked), "a credit-problem mark: no ship");
        assertEquals(List.of("offer-standard"), stack.stepsRequested(cancels), "cancelled: no ship");
        assertEquals(List.of(), stack.stepsRequested(outsider), "not in the programme: no offer");
        archive(journey);
    }

    private static io.touchpoint.contracts.events.ProfileChanged withOrders(String profileId, Map<String, Object> traits) {
        var change = tracked(profileId, null, Map.of(), traits, Map.of(), List.of(), Instant.now());
        return new io.touchpoint.contracts.events.ProfileChanged(change.profileId(), change.version(), change.changed(),
                change.traits(), Map.of("orderCount", 3), change.consents(), change.preferences(), change.mergedProfileIds(),
                change.trigger(), change.occurredAt());
    }

    @Test
    void theWeeklyNewsletterGoesToActiveCustomersAndSubscribersOnly() {
        Instant sunday = Instant.parse("2027-09-05T12:00:00Z");
        clock.freezeAt(sunday);
        String active = profile();
        String subscriber = profile();
        String withdrawn = profile();
        String passive = profile();
        stack.publish(tracked(active, null, Map.of(), Map.of(), Map.of("timeZone", "Europe/Helsinki"), List.of(), sunday));
        stack.publish(tracked(subscriber, null, Map.of(), Map.of(), Map.of("timeZone", "Europe/Stockholm"),
                List.of(new ConsentState("email", "newsletter", ConsentState.Status.GRANTED, false, sunday, "test")), sunday));
        stack.publish(tracked(withdrawn, null, Map.of(), Map.of(), Map.of(),
                List.of(new ConsentState("email", "newsletter", ConsentState.Status.WITHDRAWN, false, sunday, "test")), sunday));
        stack.publish(tracked(passive, null, Map.of()));
        stack.membership(active, "lifecycle-active-customer", true, sunday);
        stack.membership(passive, "lifecycle-passive", true, sunday);
        stack.consumed();
        String journey = stack.publish(stack.create(example("betting-operator/journeys/newsletter.json")));
        clock.moveTo(Instant.parse("2027-09-06T06:00:00Z"));
        stack.awaitRequests(active, "issue");
        clock.moveTo(Instant.parse("2027-09-06T07:00:00Z"));
        stack.awaitRequests(subscriber, "issue");
        assertEquals(Instant.parse("2027-09-06T07:00:00Z"), stack.requestsOf(subscriber).get(0).requestedAt(),
                "09:00 in Stockholm");
        assertEquals(List.of(), stack.stepsRequested(withdrawn));
        assertEquals(List.of(), stack.stepsRequested(passive));
        assertEquals("newsletter", stack.requestsOf(active).get(0).topic());
        archive(journey);
    }

    @Test
    void thePassiveNoticeGoesOnceWhenACustomerTurnsPassive() {
        String journey = stack.publish(stack.create(example("betting-operator/journeys/passive-notice.json")));
        String lapsed = profile();
        stack.publish(tracked(lapsed, null, Map.of()));
        stack.consumed();
        Instant at = Instant.now();
        stack.membership(lapsed, "lifecycle-passive", true, at);
        stack.awaitRequests(lapsed, "passive-notice");
        // Active again, then passive again: no second notice.
        stack.membership(lapsed, "lifecycle-passive", false, at.plusSeconds(60));
        stack.membership(lapsed, "lifecycle-passive", true, at.plusSeconds(120));
        stack.consumed();
        assertEquals(List.of("passive-notice"), stack.stepsRequested(lapsed));
        archive(journey);
    }

    @Test
    void aJackpotReachesTheSmsSubscribersOnceThroughTheApi() {
        String journey = stack.publish(stack.create(example("betting-operator/journeys/jackpot-sms.json")));
        String subscribed = profile();
        String notSubscribed = profile();
        stack.publish(tracked(subscribed, null, Map.of(), Map.of(), Map.of(),
                List.of(new ConsentState("sms", "jackpot", ConsentState.Status.GRANTED, false, Instant.now(), "test")), Instant.now()));
        stack.publish(tracked(notSubscribed, null, Map.of()));
        stack.consumed();
        String jackpot = "jackpot-" + UUID.randomUUID();
        String call = """
                {"key": "%s", "recipients": [{"profileId": "%s", "payload": {"jackpotId": "%s", "pot": 250000}},
                                              {"profileId": "%s", "payload": {"jackpotId": "%s", "pot": 250000}}]}"""
                .formatted(jackpot, subscribed, jackpot, notSubscribed, jackpot);
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", stack.token("marketer")).contentType(ContentType.JSON).body(call)
                    .post("/v1/journeys/{id}/entries", journey).then().statusCode(200).body("entered", equalTo(1));
        }
        stack.awaitRequests(subscribed, "jackpot");
        assertEquals("sms", stack.requestsOf(subscribed).get(0).channel());
        assertEquals(List.of(), stack.stepsRequested(notSubscribed));
        archive(journey);
    }

    @Test
    void aPostOfficeParcelIsAnnouncedBySmsToThoseWhoPreferItOncePerParcel() {
        String journey = stack.publish(stack.create(example("mail-order/journeys/delivery-notice.json")));
        String prefersSms = profile();
        String prefersLetters = profile();
        Instant now = Instant.now();
        String parcel = "parcel-" + UUID.randomUUID();
        stack.publish(tracked(prefersSms, "Parcel Arrived", Map.of("deliveryMethod", "post-office", "parcelId", parcel),
                Map.of("preferredChannel", "sms"), Map.of(), List.of(), now));
        stack.publish(tracked(prefersSms, "Parcel Arrived", Map.of("deliveryMethod", "post-office", "parcelId", parcel),
                Map.of("preferredChannel", "sms"), Map.of(), List.of(), now));
        stack.publish(tracked(prefersSms, "Parcel Arrived", Map.of("deliveryMethod", "home", "parcelId", "home-" + parcel),
                Map.of("preferredChannel", "sms"), Map.of(), List.of(), now));
        stack.publish(tracked(prefersLetters, "Parcel Arrived", Map.of("deliveryMethod", "post-office", "parcelId", parcel),
                Map.of("preferredChannel", "letter"), Map.of(), List.of(), now));
        stack.awaitRequests(prefersSms, "notice");
        stack.awaitState(prefersLetters, "exited");
        stack.consumed();
        assertEquals(List.of("notice"), stack.stepsRequested(prefersSms));
        assertEquals(true, stack.requestsOf(prefersSms).get(0).transactional());
        assertEquals(List.of(), stack.stepsRequested(prefersLetters));
        archive(journey);
    }
}
