package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.SegmentMembershipChanged;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.Mailbox;

/**
 * Requests become email on the devstack's real SMTP server, read back over its IMAP: rendered from
 * the latest published template in the recipient's locale, the delivery id as Message-ID, sent
 * once however often the request comes, capped across journeys, transactional mail past quiet hours.
 */
@QuarkusTest
class EmailDeliveryOnTheStackTest extends DeliveryStackTest {



    private String marketer;

    @BeforeEach
    void marketer() {
        marketer = bearer("marketer");
    }

    private String publishedTemplate() {
        String key = "welcome-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("name", "Welcome",
                "defaultLocale", "en", "locales", Map.of(
                        "en", Map.of("email", Map.of("subject", "Welcome, {{ profile.firstName }}",
                                "html", "<p>Hi {{ profile.firstName }}, here are {{ vars.offer }}.</p>")),
                        // Beyond ASCII in the subject (RFC 2047) and the body (a charset and transfer encoding).
                        "fi", Map.of("email", Map.of("subject", "Tervetuloa, {{ profile.firstName }} – päivän etu 5 €",
                                "html", "<p>Hei {{ profile.firstName }}! Hyvää päivää.</p>",
                                "text", "Hei {{ profile.firstName }}! Hyvää päivää, 5 € odottaa."))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    private static String address() {
        return "ada-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void aTemplateSeesTheSegmentsItsRecipientIsIn() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String key = "vip-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("name", "VIP",
                "defaultLocale", "en", "locales", Map.of("en", Map.of("email", Map.of("subject", "Hello", "html", "<p>Hello</p>",
                        "text", "{% if segments contains \"vip\" %}VIP{% else %}regular{% endif %} in {{ segments | size }}"))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        fixtures.recipient(profile, email, List.of(), Map.of());
        events().publish(Topic.SEGMENT_MEMBERSHIPS, profile, EventTypes.SEGMENT_MEMBERSHIP_CHANGED,
                new SegmentMembershipChanged(profile, "vip", 1, true, clock.instant()));
        events().publish(Topic.SEGMENT_MEMBERSHIPS, profile, EventTypes.SEGMENT_MEMBERSHIP_CHANGED,
                new SegmentMembershipChanged(profile, "newsletter-readers", 1, true, clock.instant()));
        await().atMost(Duration.ofSeconds(60)).until(() -> events().consumedToTheEnd("channel-gateway", Topic.SEGMENT_MEMBERSHIPS));

        given().header("Authorization", marketer).contentType("application/json").body(Map.of("channel", "email", "profileId", profile))
                .post("/v1/templates/{key}/preview", key).then().statusCode(200)
                .body("text", org.hamcrest.Matchers.equalTo("VIP in 2"));
        given().header("Authorization", marketer).contentType("application/json")
                .body(Map.of("channel", "email", "segments", List.of("other")))
                .post("/v1/templates/{key}/preview", key).then().statusCode(200)
                .body("text", org.hamcrest.Matchers.equalTo("regular in 1"));

        MessageRequested request = fixtures.request(profile, "j-vip", key, "receipts", true, clock.instant());
        fixtures.publish(request);
        fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
        assertEquals("VIP in 2", mailbox.read(email).get(0).text().strip());
    }

    @Test
    void aRequestBecomesOneEmailWithItsDeliveryIdHoweverOftenItComes() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String template = publishedTemplate();
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "onboarding")), Map.of());
        MessageRequested request = fixtures.request(profile, "j-welcome", template, "onboarding", false, clock.instant());
        String eventId = events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request);

        DeliveryEvent sent = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
        Mailbox.Mail mail = mailbox.read(email).get(0);
        assertEquals("<" + sent.deliveryId() + "@touchpoint.local>", mail.messageId());
        assertEquals("Welcome, Ada", mail.subject());
        // The rendered HTML, then the open pixel (EngagementOnTheStackTest follows it).
        assertTrue(mail.html().strip().startsWith("<p>Hi Ada, here are 10 free spins.</p><img src=\"http"), mail.html());
        assertEquals("Hi Ada, here are 10 free spins.", mail.text().strip());

        events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request, eventId);
        events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request);
        await().atMost(Duration.ofSeconds(60)).until(() -> events().consumedToTheEnd("channel-gateway", Topic.MESSAGE_REQUESTS));
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("sent"));
        assertEquals(1, mailbox.read(email).size());
        assertEquals(1, fixtures.eventsOf(request.requestId()).stream()
                .filter(e -> e.event().status() == DeliveryEvent.Status.SENT).count());
    }

    @Test
    void aRequestPublishedThreeTimesAtOnceIsDecidedOnceInItsBatch() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String template = publishedTemplate();
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        MessageRequested request = fixtures.request(profile, "j-thrice", template, "news", false, clock.instant());
        MessageRequested next = fixtures.request(profile, "j-thrice-next", template, "news", false, clock.instant());
        // Published back to back, so the copies come in one poll; the one after them is not held back by them.
        for (MessageRequested r : List.of(request, request, request, next)) {
            fixtures.publish(r);
        }
        fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        fixtures.await(next.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(60)).until(() -> events().consumedToTheEnd("channel-gateway", Topic.MESSAGE_REQUESTS));
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 2);
        assertEquals(1, fixtures.eventsOf(request.requestId()).stream()
                .filter(e -> e.event().status() == DeliveryEvent.Status.SENT).count());
        assertEquals(2, mailbox.read(email).size());
    }

    @Test
    void aRequestThatCameBeforeItsProfileGoesAsSoonAsTheProfileArrives() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        MessageRequested request = fixtures.request(profile, "j-welcome", publishedTemplate(), "onboarding", false,
                clock.instant());
        fixtures.publish(request);
        DeliveryEvent deferred = fixtures.await(request.requestId(), DeliveryEvent.Status.DEFERRED);
        assertEquals("recipient-unknown", deferred.reason());

        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        DeliveryEvent sent = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        // Not at the next retry, a minute after the deferral: the profile's arrival released it.
        assertTrue(sent.at().isBefore(deferred.at().plusSeconds(30)), deferred.at() + " then " + sent.at());
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
    }

    @Test
    void aTestSendGoesToTheAddressGivenWithoutBecomingADelivery() {
        String template = publishedTemplate();
        String tester = address();
        String messageId = given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("address", tester, "locale", "fi", "traits", Map.of("firstName", "Aino"))))
                .post("/v1/templates/{key}/test-send", template).then().statusCode(202)
                .body("subject", org.hamcrest.Matchers.equalTo("[Test] Tervetuloa, Aino – päivän etu 5 €")).extract().path("messageId");
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(tester).size() == 1);
        Mailbox.Mail mail = mailbox.read(tester).get(0);
        assertEquals(messageId, mail.messageId());
        assertEquals("[Test] Tervetuloa, Aino – päivän etu 5 €", mail.subject());
        assertEquals("Hei Aino! Hyvää päivää, 5 € odottaa.", mail.text().strip());
        assertEquals(null, mail.header("List-Unsubscribe"));
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("address", "nobody")))
                .post("/v1/templates/{key}/test-send", template).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", org.hamcrest.Matchers.hasItem("address"));
        given().header("Authorization", bearer("analyst")).contentType("application/json")
                .body(Gateway.json(Map.of("address", tester))).post("/v1/templates/{key}/test-send", template)
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void theRecipientsLocaleChoosesTheVariant() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String template = publishedTemplate();
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of("locale", "fi-FI"));
        MessageRequested request = fixtures.request(profile, "j-welcome", template, "onboarding", false, clock.instant());
        fixtures.publish(request);
        fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
        Mailbox.Mail mail = mailbox.read(email).get(0);
        assertEquals("Tervetuloa, Ada – päivän etu 5 €", mail.subject());
        assertEquals("Hei Ada! Hyvää päivää, 5 € odottaa.", mail.text().strip());
        assertTrue(mail.html().startsWith("<p>Hei Ada! Hyvää päivää.</p>"), mail.html());
    }

    @Test
    void theFrequencyCapCountsMarketingEmailFromEveryJourney() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String template = publishedTemplate();
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        // Three marketing emails from two journeys use the cap (3 in 7 days); the fourth is suppressed, a receipt still goes.
        for (String journey : List.of("j-welcome", "j-win-back", "j-welcome")) {
            MessageRequested request = fixtures.request(profile, journey, template, "news", false, clock.instant());
            fixtures.publish(request);
            fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        }
        MessageRequested fourth = fixtures.request(profile, "j-win-back", template, "news", false, clock.instant());
        fixtures.publish(fourth);
        DeliveryEvent capped = fixtures.await(fourth.requestId(), DeliveryEvent.Status.SUPPRESSED);
        assertEquals("frequency-cap", capped.reason());
        MessageRequested receipt = fixtures.request(profile, "j-orders", template, "orders", true, clock.instant());
        fixtures.publish(receipt);
        fixtures.await(receipt.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 4);
    }

    @Test
    void requestsArrivingTogetherStillRespectTheCapOfEachRecipient() {
        String template = publishedTemplate();
        List<String> profiles = List.of("p-" + UUID.randomUUID(), "p-" + UUID.randomUUID());
        Map<String, String> emails = new java.util.HashMap<>();
        for (String profile : profiles) {
            emails.put(profile, address());
            fixtures.recipient(profile, emails.get(profile), List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        }
        // Four marketing emails each, interleaved and published at once, so they are decided in the same batches.
        List<MessageRequested> requests = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (String profile : profiles) {
                MessageRequested request = fixtures.request(profile, "j-" + i, template, "news", false, clock.instant());
                requests.add(request);
                fixtures.publish(request);
            }
        }
        for (String profile : profiles) {
            Map<DeliveryEvent.Status, Long> outcomes = requests.stream().filter(r -> r.profileId().equals(profile))
                    .map(r -> fixtures.await(r.requestId(), DeliveryEvent.Status.SENT, DeliveryEvent.Status.SUPPRESSED))
                    .collect(java.util.stream.Collectors.groupingBy(DeliveryEvent::status, java.util.stream.Collectors.counting()));
            assertEquals(Map.of(DeliveryEvent.Status.SENT, 3L, DeliveryEvent.Status.SUPPRESSED, 1L), outcomes, profile);
            await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(emails.get(profile)).size() == 3);
        }
    }

    @Test
    void aTagCapCountsOnlyMessagesOfItsTopic() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String template = publishedTemplate();
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        // The test profile allows one "offers" message in seven days: the second offer is capped, news still goes.
        MessageRequested offer = fixtures.request(profile, "j-offers", template, "offers", false, clock.instant());
        fixtures.publish(offer);
        fixtures.await(offer.requestId(), DeliveryEvent.Status.SENT);
        MessageRequested second = fixtures.request(profile, "j-win-back", template, "offers", false, clock.instant());
        fixtures.publish(second);
        DeliveryEvent capped = fixtures.await(second.requestId(), DeliveryEvent.Status.SUPPRESSED);
        assertEquals("frequency-cap", capped.reason());
        assertTrue(capped.detail().contains("offers"), capped.detail());
        MessageRequested news = fixtures.request(profile, "j-win-back", template, "news", false, clock.instant());
        fixtures.publish(news);
        fixtures.await(news.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 2);
    }

    @Test
    void transactionalMailGoesDuringQuietHoursAndATemplateWithoutAVersionFailsWithItsReason() {
        String profile = "p-" + UUID.randomUUID();
        String email = address();
        String template = publishedTemplate();
        ZonedDateTime local = clock.instant().atZone(ZoneId.of("America/New_York")).truncatedTo(ChronoUnit.MINUTES);
        fixtures.recipient(profile, email, List.of(), Map.of("timeZone", "America/New_York", "quietHours",
                Map.of("start", local.minusMinutes(5).toLocalTime().toString(), "end", local.plusHours(2).toLocalTime().toString())));
        MessageRequested receipt = fixtures.request(profile, "j-orders", template, "orders", true, clock.instant());
        fixtures.publish(receipt);
        fixtures.await(receipt.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);

        MessageRequested unknownTemplate = fixtures.request(profile, "j-orders", "never-published", "orders", true, clock.instant());
        fixtures.publish(unknownTemplate);
        DeliveryEvent failed = fixtures.await(unknownTemplate.requestId(), DeliveryEvent.Status.FAILED);
        assertEquals("render-failed", failed.reason());
        assertTrue(failed.detail().contains("never-published has no published version"), failed.detail());
    }
}
