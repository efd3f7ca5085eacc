package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.touchpoint.gateway.support.Smsc;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SMS on the real stack, through the same policy and ledger as email: the gateway binds to the
 * devstack's SMSC over SMPP, a Unicode text goes out as concatenated UCS-2 segments the SMSC puts
 * back together, receipts make deliveries DELIVERED or FAILED, STOP and START replies withdraw and
 * grant SMS consent, and consent, fallback, quiet hours, caps and exactly-once hold for SMS.
 */
@QuarkusTest
class SmsDeliveryOnTheStackTest extends DeliveryStackTest {

    @ConfigProperty(name = "touchpoint.devstack.smsc.http-port")
    int smscPort;

    private Smsc smsc;
    private String marketer;

    @BeforeEach
    void smsc() {
        smsc = new Smsc(smscPort);
        marketer = bearer("marketer");
    }

    private static String phone(String prefix) {
        return prefix + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    private String template(Map<String, Object> variant) {
        String key = "sms-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("name", "SMS", "defaultLocale", "en", "locales", Map.of("en", variant))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    private String smsTemplate(String text) {
        return template(Map.of("sms", Map.of("text", text)));
    }

    private void smsRecipient(String profile, String phone, List<ConsentState> consents, Map<String, Object> preferences) {
        fixtures.recipient(profile, Map.of("phone", phone, "firstName", "Ада"), consents, preferences);
    }

    private MessageRequested sms(String profile, String template, String topic, boolean transactional) {
        MessageRequested request = fixtures.requestOn("sms", profile, template, topic, transactional, clock.instant());
        fixtures.publish(request);
        return request;
    }

    @Test
    void aUnicodeTextIsSentAsConcatenatedUcs2SegmentsTheSmscReassemblesAndItsReceiptsMakeItDelivered() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35840");
        smsRecipient(profile, number, List.of(DeliveryFixtures.granted("sms", "*")), Map.of());
        // 146 UTF-16 units with the emoji's surrogate pair: three UCS-2 segments (67 units each at most).
        String template = smsTemplate("{{ profile.firstName }}, джекпот 🎉 " + "Ж".repeat(130));
        String expected = "Ада, джекпот 🎉 " + "Ж".repeat(130);
        MessageRequested request = sms(profile, template, "jackpots", false);

        DeliveryEvent sent = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        assertEquals("sms", sent.channel());
        assertEquals("3 UCS-2 segments", sent.detail());
        List<Smsc.Message> got = smsc.messagesTo(number);
        assertEquals(1, got.size());
        assertEquals(expected, got.get(0).text());
        assertEquals("UCS-2", got.get(0).encoding());
        assertEquals(3, got.get(0).segments());
        assertEquals("Touchpoint", got.get(0).from());

        DeliveryEvent delivered = fixtures.await(request.requestId(), DeliveryEvent.Status.DELIVERED);
        assertEquals(sent.deliveryId(), delivered.deliveryId());
        assertTrue(delivered.detail().startsWith("stat:DELIVRD"), delivered.detail());
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200)
                .body("state", equalTo("delivered")).body("parts", equalTo(3)).body("attempts", equalTo(1))
                .body("decisions.state", equalTo(List.of("queued", "sending", "sent", "delivered")));
        // The three receipts made one DELIVERED event.
        await().atMost(Duration.ofSeconds(10)).until(this::outboxEmpty);
        assertEquals(1, fixtures.eventsOf(request.requestId()).stream()
                .filter(e -> e.event().status() == DeliveryEvent.Status.DELIVERED).count());
    }

    @Test
    void aFailureReceiptMakesTheDeliveryFailedWithItsReason() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+999");
        smsRecipient(profile, number, List.of(), Map.of());
        MessageRequested request = sms(profile, smsTemplate("Your parcel is at the post office."), "orders", true);

        fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        DeliveryEvent failed = fixtures.await(request.requestId(), DeliveryEvent.Status.FAILED);
        assertEquals("undelivered", failed.reason());
        assertTrue(failed.detail().startsWith("stat:UNDELIV err:001"), failed.detail());
        assertEquals("GSM-7", smsc.messagesTo(number).get(0).encoding());
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200)
                .body("state", equalTo("failed")).body("reason", equalTo("undelivered")).body("parts", equalTo(1));
    }

    @Test
    void aReceiptRecordedWhileItsPartWasBeingWrittenIsAppliedByTheSweep() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35840");
        smsRecipient(profile, number, List.of(DeliveryFixtures.granted("sms", "*")), Map.of());
        MessageRequested request = sms(profile, smsTemplate("Jackpot tonight."), "jackpots", false);
        fixtures.await(request.requestId(), DeliveryEvent.Status.DELIVERED);

        // What two transactions committing at the same moment leave behind: the receipt and the part
        // both recorded, neither applied, the delivery still sent.
        pool.withTransaction(sql -> sql.preparedQuery("UPDATE delivery SET state = 'sent' WHERE request_id = $1")
                .execute(Tuple.of(request.requestId()))
                .chain(() -> sql.preparedQuery("UPDATE delivery_part SET state = 'accepted' WHERE request_id = $1")
                        .execute(Tuple.of(request.requestId())))
                .chain(() -> sql.preparedQuery("""
                        UPDATE delivery_receipt SET applied = false, received_at = $2 WHERE provider_id IN
                            (SELECT provider_id FROM delivery_part WHERE request_id = $1)""")
                        .execute(Tuple.of(request.requestId(), clock.instant().atOffset(java.time.ZoneOffset.UTC)))))
                .await().atMost(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", marketer)
                .get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200).body("state", equalTo("delivered")));
    }

    @Test
    void stopWithdrawsSmsConsentAtOnceAndStartGrantsItAgain() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35850");
        smsRecipient(profile, number, List.of(DeliveryFixtures.granted("sms", "*")), Map.of());
        String template = smsTemplate("Jackpot tonight: 2 000 000 €. Reply STOP to opt out.");
        MessageRequested first = sms(profile, template, "jackpots", false);
        DeliveryEvent sent = fixtures.await(first.requestId(), DeliveryEvent.Status.SENT);

        smsc.reply(number, " Stop ");
        InteractionLog interactions = InteractionLog.of(bootstrap);
        var withdrawal = interactions.awaitMatching(i -> "Consent Updated".equals(i.event()) && number.equals(phoneOf(i.context()))
                && "withdrawn".equals(i.properties().get("status")), 1).get(0);
        assertEquals(profile, withdrawal.key());
        assertEquals("sms", withdrawal.interaction().properties().get("channel"));
        assertEquals("*", withdrawal.interaction().properties().get("topic"));
        assertEquals(sent.deliveryId(), ((Map<?, ?>) withdrawal.interaction().properties().get("proof")).get("deliveryId"));
        DeliveryEvent unsubscribed = fixtures.await(first.requestId(), DeliveryEvent.Status.UNSUBSCRIBED);
        assertEquals("sms", unsubscribed.channel());

        // Before profile-service's change comes back, the next marketing SMS is already held back.
        MessageRequested second = sms(profile, template, "jackpots", false);
        DeliveryEvent suppressed = fixtures.await(second.requestId(), DeliveryEvent.Status.SUPPRESSED);
        assertEquals("suppression-list", suppressed.reason());
        assertTrue(suppressed.detail().startsWith("sms: address suppressed (unsubscribed)"), suppressed.detail());
        // A transactional notice still goes.
        MessageRequested notice = sms(profile, template, "orders", true);
        fixtures.await(notice.requestId(), DeliveryEvent.Status.SENT);

        smsc.reply(number, "START");
        interactions.awaitMatching(i -> "Consent Updated".equals(i.event()) && number.equals(phoneOf(i.context()))
                && "granted".equals(i.properties().get("status")), 1);
        given().header("Authorization", marketer).get("/v1/suppressions/sms/{a}", number).then().statusCode(404);
        MessageRequested third = sms(profile, template, "jackpots", false);
        fixtures.await(third.requestId(), DeliveryEvent.Status.SENT);
        // A reply that is no keyword changes nothing. The SMSC's /mo answers once the gateway answered the
        // deliver_sm, which it does only after recording the reply.
        smsc.reply(number, "stop sending me jackpots please");
        await().atMost(Duration.ofSeconds(10)).until(this::outboxEmpty);
        given().header("Authorization", marketer).get("/v1/suppressions/sms/{a}", number).then().statusCode(404);
        assertEquals(2, interactions.matching(i -> "Consent Updated".equals(i.event()) && number.equals(phoneOf(i.context())))
                .size());
    }

    @Test
    void emailThatIsNotAllowedFallsBackToSmsAlongTheChannelOrder() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35844");
        var emailWithdrawn = new ConsentState("email", "*", ConsentState.Status.WITHDRAWN, false, clock.instant(), "test");
        fixtures.recipient(profile, Map.of("email", "fallback-" + UUID.randomUUID() + "@example.com", "phone", number),
                List.of(emailWithdrawn, DeliveryFixtures.granted("sms", "*")), Map.of("channelOrder", List.of("email", "sms")));
        String template = template(Map.of("email", Map.of("subject", "Jackpot", "text", "Jackpot by mail"),
                "sms", Map.of("text", "Jackpot by SMS")));
        MessageRequested request = fixtures.requestOn("email", profile, template, "jackpots", false, clock.instant());
        fixtures.publish(request);

        DeliveryEvent sent = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        assertEquals("sms", sent.channel());
        assertEquals("Jackpot by SMS", smsc.messagesTo(number).get(0).text());
        given().header("Authorization", marketer).get("/v1/deliveries/{id}", request.requestId()).then().statusCode(200)
                .body("channel", equalTo("sms"))
                .body("decisions[0].detail", org.hamcrest.Matchers.startsWith("skipped email consent-withdrawn"));
    }

    @Test
    void quietHoursDeferMarketingSmsAndTheCapHoldsBackTheThird() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35845");
        ZoneId helsinki = ZoneId.of("Europe/Helsinki");
        ZonedDateTime local = clock.instant().atZone(helsinki).truncatedTo(ChronoUnit.MINUTES);
        smsRecipient(profile, number, List.of(DeliveryFixtures.granted("sms", "*")), Map.of("timeZone", "Europe/Helsinki",
                "quietHours", Map.of("start", local.minusMinutes(1).toLocalTime().toString(),
                        "end", local.plusMinutes(30).toLocalTime().toString())));
        String template = smsTemplate("Race abroad tonight.");
        MessageRequested quiet = sms(profile, template, "races", false);
        DeliveryEvent deferred = fixtures.await(quiet.requestId(), DeliveryEvent.Status.DEFERRED);
        assertEquals("quiet-hours", deferred.reason());
        assertEquals("sms", deferred.channel());
        assertTrue(smsc.messagesTo(number).isEmpty());

        String other = "p-" + UUID.randomUUID();
        String otherNumber = phone("+35846");
        smsRecipient(other, otherNumber, List.of(DeliveryFixtures.granted("sms", "*")), Map.of());
        // The test profile allows two marketing SMS a day.
        fixtures.await(sms(other, template, "races", false).requestId(), DeliveryEvent.Status.SENT);
        fixtures.await(sms(other, template, "races", false).requestId(), DeliveryEvent.Status.SENT);
        DeliveryEvent capped = fixtures.await(sms(other, template, "races", false).requestId(), DeliveryEvent.Status.SUPPRESSED);
        assertEquals("frequency-cap", capped.reason());
        assertEquals(2, smsc.messagesTo(otherNumber).size());
    }

    @Test
    void aRedeliveredRequestReachesTheHandsetOnce() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35841");
        smsRecipient(profile, number, List.of(DeliveryFixtures.granted("sms", "*")), Map.of());
        MessageRequested request = fixtures.requestOn("sms", profile, smsTemplate("Once only."), "jackpots", false,
                clock.instant());
        String eventId = events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request);
        events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request, eventId);
        events().publish(Topic.MESSAGE_REQUESTS, profile, EventTypes.MESSAGE_REQUESTED, request);

        fixtures.await(request.requestId(), DeliveryEvent.Status.DELIVERED);
        await().atMost(Duration.ofSeconds(60)).until(() -> events().consumedToTheEnd("channel-gateway", Topic.MESSAGE_REQUESTS));
        await().atMost(Duration.ofSeconds(10)).until(this::outboxEmpty);
        assertEquals(1, smsc.messagesTo(number).size());
        assertEquals(1, fixtures.eventsOf(request.requestId()).stream().filter(e -> e.event().status() == DeliveryEvent.Status.SENT)
                .count());
    }

    @Test
    void aBacklogOfSeveralBatchesReachesEachHandsetOnceRenderedForItsOwnRecipient() {
        // More than two claims' worth (batch 50): claims overlap with sending, and each batch reads its recipients at once.
        int count = 120;
        String template = smsTemplate("Hello {{ profile.firstName }}, your jackpot reminder.");
        List<String> profiles = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String profile = "p-" + UUID.randomUUID();
            profiles.add(profile);
            numbers.add(phone("+35843"));
            events().publish(Topic.PROFILE_CHANGES, profile, EventTypes.PROFILE_CHANGED, new ProfileChanged(
                    profile, 1, Set.of("traits"), Map.of("phone", numbers.get(i), "firstName", "Player" + i), Map.of(),
                    List.of(DeliveryFixtures.granted("sms", "*")), Map.of(), List.of(), null, clock.instant()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> pool.withConnection(sql -> sql
                .preparedQuery("SELECT count(*) FROM recipient WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profiles.toArray(String[]::new))))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0) == count);

        List<MessageRequested> requests = profiles.stream().map(p -> sms(p, template, "jackpots", false)).toList();

        for (int i = 0; i < count; i++) {
            fixtures.await(requests.get(i).requestId(), DeliveryEvent.Status.SENT);
            List<Smsc.Message> got = smsc.messagesTo(numbers.get(i));
            assertEquals(1, got.size(), numbers.get(i));
            assertEquals("Hello Player" + i + ", your jackpot reminder.", got.get(0).text());
        }
    }

    @Test
    void aTemplateWithoutAnSmsPartFailsWithItsReason() {
        String profile = "p-" + UUID.randomUUID();
        String number = phone("+35842");
        smsRecipient(profile, number, List.of(DeliveryFixtures.granted("sms", "*")), Map.of());
        String template = template(Map.of("email", Map.of("subject", "Only mail", "text", "Only mail")));
        MessageRequested request = sms(profile, template, "jackpots", false);
        DeliveryEvent failed = fixtures.await(request.requestId(), DeliveryEvent.Status.FAILED);
        assertEquals("render-failed", failed.reason());
        assertTrue(smsc.messagesTo(number).isEmpty());
        assertTrue(failed.detail().contains("no sms content"), failed.detail());
    }

    private boolean outboxEmpty() {
        return pool.withConnection(sql -> sql.query("SELECT count(*) FROM outbox").execute()).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0) == 0;
    }

    @SuppressWarnings("unchecked")
    private static String phoneOf(Map<String, Object> context) {
        return context != null && context.get("traits") instanceof Map<?, ?> traits ? (String) ((Map<String, Object>) traits).get("phone")
                : null;
    }
}
