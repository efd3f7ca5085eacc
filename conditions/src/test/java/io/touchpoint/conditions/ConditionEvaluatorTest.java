package io.touchpoint.conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.ConsentState.Status;
import io.touchpoint.conditions.ConditionEvaluator.Facts;
import io.touchpoint.conditions.ConditionEvaluator.LoggedEvent;

class ConditionEvaluatorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    private final Map<String, Object> traits = new HashMap<>();
    private final Map<String, Object> computed = new HashMap<>();
    private final List<ConsentState> consents = new ArrayList<>();
    private final List<LoggedEvent> events = new ArrayList<>();
    private final Set<String> memberships = new HashSet<>();

    private boolean eval(String json) {
        return eval(json, "p-1");
    }

    private boolean eval(String json, String profileId) {
        try {
            var r = ConditionParser.parse(MAPPER.readValue(json, Object.class), "condition");
            assertTrue(r.valid(), () -> r.violations().toString());
            return ConditionEvaluator.matches(r.condition(), new Facts(profileId, traits, computed, consents, events, memberships), NOW);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String trait(String name, String op, String value) {
        return "{\"trait\":\"" + name + "\",\"operator\":\"" + op + "\"" + (value == null ? "" : ",\"value\":" + value) + "}";
    }

    private void event(String name, Duration ago, Map<String, Object> props) {
        events.add(new LoggedEvent(name, NOW.minus(ago), props));
    }

    /** The shipped example segment, as `./touchpoint apply` sends it. */
    @Test
    void theEmailEngagedExampleCountsPeopleNotPrivacyProxiesOrScanners() throws Exception {
        Map<?, ?> segment = MAPPER.readValue(java.nio.file.Path.of("../examples/betting-operator/segments/email-engaged.json")
                .toFile(), Map.class);
        String condition = MAPPER.writeValueAsString(segment.get("condition"));
        event("Email Opened", Duration.ofDays(2), Map.of("deliveryId", "d-1", "machine", true, "machineSignal", "apple-mpp"));
        event("Email Clicked", Duration.ofDays(2), Map.of("deliveryId", "d-1", "machine", true, "url", "https://x.example/"));
        assertFalse(eval(condition), "machines opened and clicked, nobody read");
        event("Email Clicked", Duration.ofDays(31), Map.of("deliveryId", "d-0", "machine", false, "url", "https://x.example/"));
        assertFalse(eval(condition), "a person's click 31 days ago is out of the window");
        event("Email Opened", Duration.ofDays(29), Map.of("deliveryId", "d-2", "machine", false));
        assertTrue(eval(condition));
    }

    @Test
    void equalityAndMembershipOperatorsCompareLoosely() {
        traits.put("plan", "gold");
        traits.put("age", 42);
        traits.put("vip", true);
        traits.put("tags", List.of("a", "b"));
        assertTrue(eval(trait("plan", "equals", "\"gold\"")));
        assertFalse(eval(trait("plan", "equals", "\"silver\"")));
        assertTrue(eval(trait("age", "equals", "42.0")));
        assertTrue(eval(trait("age", "equals", "\"42\"")));
        assertTrue(eval(trait("vip", "equals", "true")));
        assertTrue(eval(trait("plan", "not_equals", "\"silver\"")));
        assertTrue(eval(trait("missing", "not_equals", "\"silver\"")));
        assertTrue(eval(trait("plan", "in", "[\"silver\",\"gold\"]")));
        assertFalse(eval(trait("missing", "in", "[\"silver\"]")));
        assertTrue(eval(trait("plan", "contains", "\"ol\"")));
        assertTrue(eval(trait("tags", "contains", "\"b\"")));
        assertFalse(eval(trait("tags", "contains", "\"c\"")));
        assertTrue(eval(trait("plan", "starts_with", "\"go\"")));
        assertTrue(eval(trait("plan", "exists", null)));
        assertFalse(eval(trait("missing", "exists", null)));
        assertTrue(eval(trait("missing", "exists", "false")));
    }

    @Test
    void orderingOperatorsWorkOnNumbersAndDates() {
        traits.put("age", "42");
        traits.put("since", "2026-01-10");
        assertTrue(eval(trait("age", "gt", "41")));
        assertFalse(eval(trait("age", "gt", "42")));
        assertTrue(eval(trait("age", "gte", "42")));
        assertTrue(eval(trait("age", "lt", "42.5")));
        assertTrue(eval(trait("age", "lte", "42")));
        assertTrue(eval(trait("age", "between", "[40, 42]")));
        assertFalse(eval(trait("age", "between", "[43, 50]")));
        assertTrue(eval(trait("since", "gt", "\"2026-01-09T23:59:59Z\"")));
        assertTrue(eval(trait("since", "between", "[\"2026-01-01\", \"2026-02-01\"]")));
        assertFalse(eval(trait("missing", "lt", "5")));
        traits.put("age", "unknown");
        assertFalse(eval(trait("age", "gt", "1")));
    }

    @Test
    void relativeDateOperatorsReadTheClockPassedIn() {
        traits.put("lastLogin", "2026-06-10T12:00:00Z");
        traits.put("renewal", "2026-06-20");
        traits.put("birthday", "1990-06-18");
        traits.put("newYear", "1990-01-02");
        assertTrue(eval(trait("lastLogin", "within_last_days", "5")));
        assertFalse(eval(trait("lastLogin", "within_last_days", "4")));
        assertTrue(eval(trait("lastLogin", "more_than_days_ago", "4")));
        assertFalse(eval(trait("lastLogin", "more_than_days_ago", "5")));
        assertTrue(eval(trait("renewal", "in_next_days", "5")));
        assertFalse(eval(trait("renewal", "in_next_days", "4")));
        assertFalse(eval(trait("lastLogin", "in_next_days", "30")));
        assertTrue(eval(trait("birthday", "anniversary_within_days", "3")));
        assertFalse(eval(trait("birthday", "anniversary_within_days", "2")));
        assertTrue(ConditionEvaluator.anniversaryWithin(Instant.parse("1990-01-02T00:00:00Z"),
                Instant.parse("2026-12-30T10:00:00Z"), 3));
        assertFalse(eval(trait("newYear", "anniversary_within_days", "30")));
    }

    @Test
    void computedAttributesAreReadFromTheComputedMap() {
        computed.put("lifetimeValue", 250.5);
        traits.put("lifetimeValue", 1);
        assertTrue(eval("{\"computed\":\"lifetimeValue\",\"operator\":\"gt\",\"value\":200}"));
        assertFalse(eval(trait("lifetimeValue", "gt", "200")));
    }

    @Test
    void eventCountsRespectWindowsFiltersAndCountOperators() {
        event("Bet Placed", Duration.ofDays(1), Map.of("market", "football"));
        event("Bet Placed", Duration.ofDays(20), Map.of("market", "tennis"));
        event("Bet Placed", Duration.ofDays(40), Map.of("market", "football"));
        event("Login", Duration.ofDays(50), Map.of());
        assertTrue(eval("{\"event\":\"Bet Placed\",\"count\":{\"operator\":\"at_least\",\"value\":2},\"withinLastDays\":30}"));
        assertFalse(eval("{\"event\":\"Bet Placed\",\"count\":{\"operator\":\"at_least\",\"value\":3},\"withinLastDays\":30}"));
        assertTrue(eval("{\"event\":\"Bet Placed\",\"count\":{\"operator\":\"exactly\",\"value\":3}}"));
        assertTrue(eval("{\"event\":\"Bet Placed\",\"where\":{\"market\":\"football\"},\"count\":{\"operator\":\"exactly\",\"value\":2}}"));
        assertTrue(eval("{\"event\":\"Bet Placed\",\"where\":{\"market\":\"football\"},\"count\":{\"operator\":\"at_most\",\"value\":1},\"withinLastDays\":30}"));
        assertTrue(eval("{\"event\":\"Bet Placed\",\"between\":{\"from\":\"2026-05-01\",\"to\":\"2026-05-30\"}}"));
        assertFalse(eval("{\"event\":\"Deposit\"}"));
        assertTrue(eval("{\"event\":\"Deposit\",\"count\":{\"operator\":\"exactly\",\"value\":0}}"));
        assertTrue(eval("{\"event\":\"Login\",\"notPerformedForDays\":30}"));
        assertFalse(eval("{\"event\":\"Login\",\"notPerformedForDays\":60}"));
        assertTrue(eval("{\"event\":\"Deposit\",\"notPerformedForDays\":60}"));
    }

    @Test
    void consentAtTopicLevelWinsOverTheChannelWideGrant() {
        String newsletter = "{\"consent\":{\"channel\":\"email\",\"topic\":\"newsletter\"}}";
        assertFalse(eval(newsletter));
        consents.add(new ConsentState("email", "*", Status.GRANTED, false, NOW, "test"));
        assertTrue(eval(newsletter));
        consents.add(new ConsentState("email", "newsletter", Status.WITHDRAWN, false, NOW, "test"));
        assertFalse(eval(newsletter));
        assertTrue(eval("{\"consent\":{\"channel\":\"email\",\"topic\":\"offers\"}}"));
        assertFalse(eval("{\"consent\":{\"channel\":\"sms\",\"topic\":\"offers\"}}"));
        consents.clear();
        consents.add(new ConsentState("sms", "offers", Status.GRANTED, false, NOW, "test"));
        assertTrue(eval("{\"consent\":{\"channel\":\"sms\",\"topic\":\"offers\"}}"));
        assertFalse(eval("{\"consent\":{\"channel\":\"sms\"}}"));
    }

    @Test
    void groupsNegationAndSegmentMembershipCompose() {
        traits.put("plan", "gold");
        memberships.add("vip");
        assertTrue(eval("{\"all\":[{\"inSegment\":\"vip\"}," + trait("plan", "equals", "\"gold\"") + "]}"));
        assertFalse(eval("{\"all\":[{\"inSegment\":\"other\"}," + trait("plan", "equals", "\"gold\"") + "]}"));
        assertTrue(eval("{\"any\":[{\"inSegment\":\"other\"}," + trait("plan", "equals", "\"gold\"") + "]}"));
        assertTrue(eval("{\"not\":{\"not\":{\"inSegment\":\"vip\"}}}"));
        assertFalse(eval("{\"not\":{\"inSegment\":\"vip\"}}"));
    }

    @Test
    void randomBucketsAreStableAndRoughlyProportional() {
        String tenPercent = "{\"randomBucket\":{\"salt\":\"holdout-1\",\"percent\":10}}";
        int in = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean first = eval(tenPercent, "p-" + i);
            assertEquals(first, eval(tenPercent, "p-" + i));
            in += first ? 1 : 0;
        }
        assertTrue(in > 850 && in < 1150, "10% bucket held " + in + " of 10000");
        assertEquals(ConditionEvaluator.bucket("s", "p"), ConditionEvaluator.bucket("s", "p"));
        assertFalse(eval("{\"randomBucket\":{\"salt\":\"x\",\"percent\":0}}"));
        assertTrue(eval("{\"randomBucket\":{\"salt\":\"x\",\"percent\":100}}"));
    }
}
