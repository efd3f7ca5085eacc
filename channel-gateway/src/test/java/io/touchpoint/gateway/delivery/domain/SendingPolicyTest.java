package io.touchpoint.gateway.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.recipient.domain.Recipient;

class SendingPolicyTest {

    private static final Instant NOW = Instant.parse("2027-03-10T12:00:00Z");
    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final PolicyRules RULES = new PolicyRules(Set.of("email", "sms"), List.of("email"), ZoneOffset.UTC,
            Duration.ofDays(2), Duration.ofMinutes(1), Map.of("email", new PolicyRules.Cap(3, 7)));
    private static final SendingPolicy POLICY = new SendingPolicy(RULES);

    private static MessageRequested marketing(String channel, String topic) {
        return new MessageRequested("r-1", "p-1", "j-1", "s-1", channel, "welcome", topic, false, Map.of(), NOW);
    }

    private static MessageRequested transactional(String channel) {
        return new MessageRequested("r-1", "p-1", "j-1", "s-1", channel, "receipt", "orders", true, Map.of(), NOW);
    }

    private static ConsentState consent(String channel, String topic, ConsentState.Status status) {
        return new ConsentState(channel, topic, status, false, NOW.minusSeconds(3600), "api");
    }

    private static Recipient recipient(String email, String phone, List<ConsentState> consents, List<String> order,
            ZoneId zone, Recipient.QuietHours quiet) {
        return new Recipient("p-1", 1, email, phone, consents, order, zone, "fi-FI", quiet, Map.of(), Map.of());
    }

    private static Recipient consenting() {
        return recipient("ada@example.com", "+358401234567", List.of(consent("email", "*", ConsentState.Status.GRANTED),
                consent("sms", "*", ConsentState.Status.GRANTED)), List.of(), null, null);
    }

    private static Decision decide(MessageRequested request, Recipient recipient, RecipientFacts facts, Instant now) {
        return POLICY.decide(request, recipient, facts, POLICY.expiresAt(request, now), now);
    }

    private static Decision decide(MessageRequested request, Recipient recipient) {
        return decide(request, recipient, RecipientFacts.NONE, NOW);
    }

    private static Reason suppressedFor(Decision decision) {
        return assertInstanceOf(Decision.Suppress.class, decision).reason();
    }

    @Test
    void sendsMarketingWithConsentForTheWholeChannel() {
        var send = assertInstanceOf(Decision.Send.class, decide(marketing("email", "onboarding"), consenting()));
        assertEquals("email", send.channel());
        assertEquals("ada@example.com", send.address());
        assertEquals(List.of(), send.skipped());
    }

    @Test
    void marketingWithoutConsentIsSuppressedAndSaysSo() {
        var none = recipient("ada@example.com", null, List.of(), List.of(), null, null);
        var suppress = assertInstanceOf(Decision.Suppress.class, decide(marketing("email", "onboarding"), none));
        assertEquals(Reason.NO_CONSENT, suppress.reason());
        assertEquals("email: no consent for email/onboarding", suppress.detail());
    }

    @Test
    void theTopicsOwnConsentWinsOverTheChannels() {
        var withdrawnTopic = recipient("ada@example.com", null, List.of(consent("email", "*", ConsentState.Status.GRANTED),
                consent("email", "win-back", ConsentState.Status.WITHDRAWN)), List.of(), null, null);
        assertEquals(Reason.CONSENT_WITHDRAWN, suppressedFor(decide(marketing("email", "win-back"), withdrawnTopic)));
        assertInstanceOf(Decision.Send.class, decide(marketing("email", "onboarding"), withdrawnTopic));

        var grantedTopic = recipient("ada@example.com", null, List.of(consent("email", "*", ConsentState.Status.DENIED),
                consent("email", "win-back", ConsentState.Status.GRANTED)), List.of(), null, null);
        assertInstanceOf(Decision.Send.class, decide(marketing("email", "win-back"), grantedTopic));
        assertEquals(Reason.CONSENT_WITHDRAWN, suppressedFor(decide(marketing("email", "onboarding"), grantedTopic)));
    }

    @Test
    void aTransactionalConsentAllowsNoMarketing() {
        var serviceOnly = recipient("ada@example.com", null,
                List.of(new ConsentState("email", "*", ConsentState.Status.GRANTED, true, NOW, "api")), List.of(), null, null);
        var suppress = assertInstanceOf(Decision.Suppress.class, decide(marketing("email", "onboarding"), serviceOnly));
        assertEquals(Reason.NO_CONSENT, suppress.reason());
        assertEquals("email: only a transactional consent for email/onboarding", suppress.detail());
    }

    @Test
    void transactionalNeedsOnlyAValidAddress() {
        var none = recipient("ada@example.com", null, List.of(consent("email", "*", ConsentState.Status.WITHDRAWN)),
                List.of(), null, null);
        assertInstanceOf(Decision.Send.class, decide(transactional("email"), none));
        assertEquals(Reason.INVALID_ADDRESS, suppressedFor(decide(transactional("email"),
                recipient("ada@", null, List.of(), List.of(), null, null))));
        assertEquals(Reason.NO_ADDRESS, suppressedFor(decide(transactional("email"),
                recipient(null, null, List.of(), List.of(), null, null))));
    }

    @Test
    void phonesMustBeE164() {
        var r = recipient(null, "040 123 4567", List.of(consent("sms", "*", ConsentState.Status.GRANTED)), List.of(), null, null);
        assertEquals(Reason.INVALID_ADDRESS, suppressedFor(decide(marketing("sms", "jackpots"), r)));
    }

    @Test
    void suppressedAddressesGetNoMarketingAndBouncedOnesNothing() {
        var unsubscribed = new RecipientFacts(Map.of("email", Map.of("ada@example.com", SuppressionReason.UNSUBSCRIBED)), Map.of());
        var bounced = new RecipientFacts(Map.of("email", Map.of("ada@example.com", SuppressionReason.HARD_BOUNCE)), Map.of());
        var upperCase = recipient("Ada@Example.COM", null, List.of(consent("email", "*", ConsentState.Status.GRANTED)),
                List.of(), null, null);
        var suppress = assertInstanceOf(Decision.Suppress.class, decide(marketing("email", "news"), upperCase, unsubscribed, NOW));
        assertEquals(Reason.SUPPRESSION_LIST, suppress.reason());
        assertEquals("email: address suppressed (unsubscribed)", suppress.detail());
        assertInstanceOf(Decision.Send.class, decide(transactional("email"), upperCase, unsubscribed, NOW));
        assertEquals(Reason.SUPPRESSION_LIST, suppressedFor(decide(transactional("email"), upperCase, bounced, NOW)));
    }

    @Test
    void theFrequencyCapCountsEveryJourneysMarketingInTheRecipientsCalendarDays() {
        // 2027-03-10T12:00Z is 14:00 in Helsinki; seven calendar days there began on 2027-03-04 at 00:00 local (03-03T22:00Z).
        var helsinki = recipient("ada@example.com", null, List.of(consent("email", "*", ConsentState.Status.GRANTED)),
                List.of("email"), HELSINKI, null);
        List<Instant> sent = new ArrayList<>(List.of(Instant.parse("2027-03-03T22:30:00Z"), Instant.parse("2027-03-08T09:00:00Z")));
        assertInstanceOf(Decision.Send.class, decide(marketing("email", "news"), helsinki,
                new RecipientFacts(Map.of(), Map.of("email", sent)), NOW));
        sent.add(Instant.parse("2027-03-10T06:00:00Z"));
        var capped = assertInstanceOf(Decision.Suppress.class, decide(marketing("email", "news"), helsinki,
                new RecipientFacts(Map.of(), Map.of("email", sent)), NOW));
        assertEquals(Reason.FREQUENCY_CAP, capped.reason());

        // In UTC the first of those fell on 03-03, outside the window: only two count.
        var utc = recipient("ada@example.com", null, List.of(consent("email", "*", ConsentState.Status.GRANTED)),
                List.of("email"), ZoneOffset.UTC, null);
        assertInstanceOf(Decision.Send.class, decide(marketing("email", "news"), utc,
                new RecipientFacts(Map.of(), Map.of("email", sent)), NOW));
        // Transactional messages are never capped.
        assertInstanceOf(Decision.Send.class, decide(transactional("email"), helsinki,
                new RecipientFacts(Map.of(), Map.of("email", sent)), NOW));
    }

    @Test
    void aTagCapCountsMessagesOfItsTopicOnItsChannelOrOnAllOfThem() {
        // At most one "offers" message in seven days on any channel, and two "jackpots" SMS a day.
        var rules = new PolicyRules(Set.of("email", "sms"), List.of("email"), ZoneOffset.UTC, Duration.ofDays(2),
                Duration.ofMinutes(1), Map.of(), List.of(new PolicyRules.TagCap("offers", null, new PolicyRules.Cap(1, 7)),
                        new PolicyRules.TagCap("jackpots", "sms", new PolicyRules.Cap(2, 1))));
        var policy = new SendingPolicy(rules);
        var r = consenting();
        var offerBySms = List.of(new RecipientFacts.Sent("sms", "offers", NOW.minus(Duration.ofDays(3))));
        var offer = marketing("email", "offers");
        var capped = assertInstanceOf(Decision.Suppress.class, policy.decide(offer, r, new RecipientFacts(Map.of(), offerBySms),
                policy.expiresAt(offer, NOW), NOW));
        assertEquals(Reason.FREQUENCY_CAP, capped.reason());
        // Other topics are not counted against the tag, and the tag's window ends.
        var news = marketing("email", "news");
        assertInstanceOf(Decision.Send.class, policy.decide(news, r, new RecipientFacts(Map.of(), offerBySms),
                policy.expiresAt(news, NOW), NOW));
        var old = List.of(new RecipientFacts.Sent("sms", "offers", NOW.minus(Duration.ofDays(8))));
        assertInstanceOf(Decision.Send.class, policy.decide(offer, r, new RecipientFacts(Map.of(), old),
                policy.expiresAt(offer, NOW), NOW));

        // The SMS-only cap: two jackpot SMS today block a third SMS, which falls back to email.
        var twoToday = List.of(new RecipientFacts.Sent("sms", "jackpots", NOW.minusSeconds(60)),
                new RecipientFacts.Sent("sms", "jackpots", NOW.minusSeconds(120)),
                new RecipientFacts.Sent("email", "jackpots", NOW.minusSeconds(180)));
        var jackpot = marketing("sms", "jackpots");
        var fallback = assertInstanceOf(Decision.Send.class, policy.decide(jackpot, r, new RecipientFacts(Map.of(), twoToday),
                policy.expiresAt(jackpot, NOW), NOW));
        assertEquals("email", fallback.channel());
        assertEquals(Reason.FREQUENCY_CAP, fallback.skipped().get(0).reason());
    }

    @Test
    void aChannelNotAllowedFallsBackAlongTheChannelOrder() {
        var smsFirst = recipient(null, "+358401234567", List.of(consent("email", "*", ConsentState.Status.GRANTED),
                consent("sms", "*", ConsentState.Status.GRANTED)), List.of("push", "sms", "email"), null, null);
        var send = assertInstanceOf(Decision.Send.class, decide(marketing("email", "news"), smsFirst));
        assertEquals("sms", send.channel());
        assertEquals(List.of(new Decision.Skipped("email", Reason.NO_ADDRESS, "no email address"),
                new Decision.Skipped("push", Reason.CHANNEL_UNSUPPORTED, "the gateway does not deliver on push")), send.skipped());

        var chosenByOrder = assertInstanceOf(Decision.Send.class, decide(marketing(null, "news"), consenting()));
        assertEquals("email", chosenByOrder.channel());
    }

    @Test
    void whenNoChannelIsAllowedTheFirstChannelsReasonIsGiven() {
        var r = recipient("ada@example.com", "+358401234567", List.of(), List.of("email", "sms"), null, null);
        var suppress = assertInstanceOf(Decision.Suppress.class, decide(marketing("email", "news"), r));
        assertEquals(Reason.NO_CONSENT, suppress.reason());
        assertEquals(2, suppress.skipped().size());
    }

    @Test
    void quietHoursInTheRecipientsZoneDeferMarketingToTheirEnd() {
        // 23:30 in Helsinki (UTC+2 in March): quiet from 22:00 to 08:00, so the message waits until 08:00 local.
        Instant lateEvening = Instant.parse("2027-03-10T21:30:00Z");
        var r = recipient("ada@example.com", null, List.of(consent("email", "*", ConsentState.Status.GRANTED)), List.of(),
                HELSINKI, new Recipient.QuietHours(LocalTime.of(22, 0), LocalTime.of(8, 0)));
        var defer = assertInstanceOf(Decision.Defer.class, decide(marketing("email", "news"), r, RecipientFacts.NONE, lateEvening));
        assertEquals(Instant.parse("2027-03-11T06:00:00Z"), defer.until());
        assertEquals(Reason.QUIET_HOURS, defer.reason());
        assertEquals("email", defer.channel());

        Instant earlyMorning = Instant.parse("2027-03-11T04:00:00Z");
        assertEquals(Instant.parse("2027-03-11T06:00:00Z"), assertInstanceOf(Decision.Defer.class,
                decide(marketing("email", "news"), r, RecipientFacts.NONE, earlyMorning)).until());
        // At the end of the window the message goes.
        assertInstanceOf(Decision.Send.class, decide(marketing("email", "news"), r, RecipientFacts.NONE,
                Instant.parse("2027-03-11T06:00:00Z")));
        assertInstanceOf(Decision.Send.class, decide(transactional("email"), r, RecipientFacts.NONE, lateEvening));
    }

    @Test
    void aQuietWindowWithinOneDay() {
        var lunch = new Recipient.QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0));
        assertEquals(Instant.parse("2027-03-10T13:00:00Z"),
                SendingPolicy.quietUntil(lunch, ZoneOffset.UTC, Instant.parse("2027-03-10T12:30:00Z")).orElseThrow());
        assertEquals(false, SendingPolicy.quietUntil(lunch, ZoneOffset.UTC, Instant.parse("2027-03-10T13:00:00Z")).isPresent());
    }

    @Test
    void aQuietPeriodEndingInADaylightSavingGapEndsAtTheShiftedTime() {
        // Europe/Helsinki skips 03:00-04:00 on 2027-03-28: a window ending at 03:30 ends at 04:30 local (01:30Z).
        var r = new Recipient.QuietHours(LocalTime.of(22, 0), LocalTime.of(3, 30));
        assertEquals(Instant.parse("2027-03-28T01:30:00Z"),
                SendingPolicy.quietUntil(r, HELSINKI, Instant.parse("2027-03-27T22:00:00Z")).orElseThrow());
    }

    @Test
    void aRequestForAnUnknownProfileIsTriedAgainUntilItExpires() {
        var defer = assertInstanceOf(Decision.Defer.class, decide(marketing("email", "news"), null));
        assertEquals(Reason.RECIPIENT_UNKNOWN, defer.reason());
        assertEquals(NOW.plus(Duration.ofMinutes(1)), defer.until());
        Instant expires = POLICY.expiresAt(marketing("email", "news"), NOW);
        assertEquals(NOW.plus(Duration.ofDays(2)), expires);
        assertEquals(Reason.EXPIRED, suppressedFor(POLICY.decide(marketing("email", "news"), consenting(), RecipientFacts.NONE,
                expires, expires.plusMillis(1))));
    }
}
