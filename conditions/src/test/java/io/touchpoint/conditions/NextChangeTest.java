package io.touchpoint.conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

import io.touchpoint.conditions.ConditionEvaluator.Facts;
import io.touchpoint.conditions.ConditionEvaluator.LoggedEvent;

/** When a time-dependent answer flips, and that the answer really flips there and not a moment before. */
class NextChangeTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    private final Map<String, Object> traits = new HashMap<>();
    private final Map<String, Object> computed = new HashMap<>();
    private final List<LoggedEvent> events = new ArrayList<>();
    private final Set<String> memberships = new HashSet<>();
    private final Map<String, Instant> lastLeft = new HashMap<>();

    private Condition parse(String json) {
        try {
            var r = ConditionParser.parse(MAPPER.readValue(json, Object.class), "condition");
            assertTrue(r.valid(), () -> r.violations().toString());
            return r.condition();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Facts facts() {
        return new Facts("p-1", traits, computed, List.of(), events, memberships, lastLeft);
    }

    private Instant next(String json, Instant now) {
        return ConditionEvaluator.nextChange(parse(json), facts(), now);
    }

    private boolean holds(String json, Instant at) {
        return ConditionEvaluator.matches(parse(json), facts(), at);
    }

    /** The answer is steady right up to the flip and different at it. */
    private void flipsExactlyAt(String json, Instant flip) {
        boolean before = holds(json, NOW);
        assertEquals(before, holds(json, flip.minusNanos(1000)), "just before the flip");
        assertNotEquals(before, holds(json, flip), "at the flip");
    }

    @Test
    void anEventLeavesItsWindowExactlyNDaysAfterItHappened() {
        Instant bet = NOW.minus(Duration.ofDays(3));
        events.add(new LoggedEvent("Bet Placed", bet, Map.of()));
        String window = "{\"event\":\"Bet Placed\",\"withinLastDays\":30}";
        Instant flip = next(window, NOW);
        assertEquals(bet.plus(Duration.ofDays(30)), flip);
        flipsExactlyAt(window, flip);
        assertNull(next(window, flip), "nothing left to flip once the only event is out");
    }

    @Test
    void countsDropWhenTheOldestEventLeaves() {
        events.add(new LoggedEvent("Bet Placed", NOW.minus(Duration.ofDays(20)), Map.of()));
        events.add(new LoggedEvent("Bet Placed", NOW.minus(Duration.ofDays(2)), Map.of()));
        events.add(new LoggedEvent("Bet Placed", NOW.minus(Duration.ofDays(40)), Map.of()));
        events.add(new LoggedEvent("Login", NOW.minus(Duration.ofDays(25)), Map.of()));
        String two = "{\"event\":\"Bet Placed\",\"count\":{\"operator\":\"at_least\",\"value\":2},\"withinLastDays\":30}";
        assertEquals(NOW.plus(Duration.ofDays(10)), next(two, NOW));
        flipsExactlyAt(two, NOW.plus(Duration.ofDays(10)));
    }

    @Test
    void aFutureDatedEventEntersTheWindowWhenItsTimeComes() {
        Instant later = NOW.plus(Duration.ofHours(2));
        events.add(new LoggedEvent("Bet Placed", later, Map.of()));
        String window = "{\"event\":\"Bet Placed\",\"withinLastDays\":30}";
        assertEquals(later, next(window, NOW));
        flipsExactlyAt(window, later);
    }

    @Test
    void notPerformedForDaysHoldsExactlyNDaysAfterTheLastOne() {
        events.add(new LoggedEvent("Bet Placed", NOW.minus(Duration.ofDays(100)), Map.of()));
        events.add(new LoggedEvent("Bet Placed", NOW.minus(Duration.ofDays(10)), Map.of()));
        String absent = "{\"event\":\"Bet Placed\",\"notPerformedForDays\":183}";
        Instant flip = next(absent, NOW);
        assertEquals(NOW.minus(Duration.ofDays(10)).plus(Duration.ofDays(183)), flip);
        flipsExactlyAt(absent, flip);
    }

    @Test
    void relativeDateOperatorsFlipJustPastTheirInclusiveBounds() {
        traits.put("lastLogin", "2026-06-10T12:00:00Z");
        traits.put("renewal", "2026-06-20T00:00:00Z");
        String within = "{\"trait\":\"lastLogin\",\"operator\":\"within_last_days\",\"value\":7}";
        assertEquals(Instant.parse("2026-06-17T12:00:00.000001Z"), next(within, NOW));
        flipsExactlyAt(within, next(within, NOW));
        String ago = "{\"trait\":\"lastLogin\",\"operator\":\"more_than_days_ago\",\"value\":7}";
        flipsExactlyAt(ago, next(ago, NOW));
        String soon = "{\"trait\":\"renewal\",\"operator\":\"in_next_days\",\"value\":2}";
        assertEquals(Instant.parse("2026-06-18T00:00:00Z"), next(soon, NOW));
        flipsExactlyAt(soon, next(soon, NOW));
        Instant afterEntering = Instant.parse("2026-06-19T00:00:00Z");
        assertEquals(Instant.parse("2026-06-20T00:00:00.000001Z"), next(soon, afterEntering));
    }

    @Test
    void anniversariesFlipAtUtcMidnights() {
        traits.put("birthday", "1990-06-20");
        String soon = "{\"trait\":\"birthday\",\"operator\":\"anniversary_within_days\",\"value\":3}";
        assertFalse(holds(soon, NOW));
        assertEquals(Instant.parse("2026-06-17T00:00:00Z"), next(soon, NOW));
        flipsExactlyAt(soon, next(soon, NOW));
        Instant onTheDay = Instant.parse("2026-06-20T08:00:00Z");
        assertEquals(Instant.parse("2026-06-21T00:00:00Z"), next(soon, onTheDay));
        assertFalse(holds(soon, Instant.parse("2026-06-21T00:00:00Z")));
    }

    @Test
    void groupsTakeTheEarliestLeafAndTimelessConditionsNeverFlip() {
        events.add(new LoggedEvent("Bet Placed", NOW.minus(Duration.ofDays(25)), Map.of()));
        traits.put("lastLogin", "2026-06-14T12:00:00Z");
        String both = "{\"any\":[{\"not\":{\"event\":\"Bet Placed\",\"withinLastDays\":30}},"
                + "{\"trait\":\"lastLogin\",\"operator\":\"within_last_days\",\"value\":2},"
                + "{\"trait\":\"plan\",\"operator\":\"equals\",\"value\":\"gold\"}]}";
        assertEquals(Instant.parse("2026-06-16T12:00:00.000001Z"), next(both, NOW));
        assertNull(next("{\"trait\":\"plan\",\"operator\":\"equals\",\"value\":\"gold\"}", NOW));
        assertNull(next("{\"event\":\"Bet Placed\",\"between\":{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}}", NOW));
        assertNull(next("{\"event\":\"Bet Placed\"}", NOW));
        assertFalse(Condition.timeDependent(parse("{\"event\":\"Bet Placed\",\"between\":{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}}")));
    }

    @Test
    void roundsUpToTheMicrosecondPostgresKeeps() {
        assertEquals(Instant.parse("2026-01-01T00:00:00.000002Z"),
                ConditionEvaluator.ceilMicros(Instant.parse("2026-01-01T00:00:00.000001001Z")));
        assertEquals(Instant.parse("2026-01-01T00:00:00.000001Z"),
                ConditionEvaluator.ceilMicros(Instant.parse("2026-01-01T00:00:00.000001Z")));
    }

    @Test
    void cameFromNamesTheListedSegmentLeftLast() {
        String fromTop = "{\"cameFrom\":{\"segments\":[\"new\",\"active\",\"top\"],\"in\":[\"top\"]}}";
        assertFalse(holds(fromTop, NOW), "no history");
        lastLeft.put("new", NOW.minus(Duration.ofDays(90)));
        lastLeft.put("top", NOW.minus(Duration.ofDays(3)));
        lastLeft.put("active", NOW.minus(Duration.ofDays(20)));
        lastLeft.put("unlisted", NOW);
        assertTrue(holds(fromTop, NOW));
        memberships.add("active");
        assertFalse(holds(fromTop, NOW), "a current membership is the most recent");
        var trace = ConditionEvaluator.explain(parse(fromTop), facts(), NOW);
        assertEquals("active", trace.seen());
    }

    @Test
    void cameFromIsValidatedAndItsSegmentsAreReferences() throws Exception {
        var ok = ConditionParser.parse(MAPPER.readValue("{\"cameFrom\":{\"segments\":[\"a\",\"b\"],\"in\":[\"b\"]}}", Object.class), "c");
        assertEquals(Set.of("a", "b"), ok.referencedSegments());
        var bad = ConditionParser.parse(MAPPER.readValue("{\"cameFrom\":{\"segments\":[\"a\"],\"in\":[\"z\"]}}", Object.class), "c");
        assertEquals("c.cameFrom.in[0]", bad.violations().get(0).field());
        var empty = ConditionParser.parse(MAPPER.readValue("{\"cameFrom\":{\"segments\":[],\"in\":[\"z\"]}}", Object.class), "c");
        assertEquals("c.cameFrom.segments", empty.violations().get(0).field());
    }

    @Test
    void tenureFollowsTheClockFromRegistrationNotThePublishedValue() {
        Instant registered = NOW.minus(Duration.ofDays(10)).plus(Duration.ofHours(3));
        computed.put("registeredAt", registered.toString());
        computed.put("tenureDays", 0); // as published when the customer registered
        String veteran = "{\"computed\":\"tenureDays\",\"operator\":\"gt\",\"value\":60}";
        assertFalse(holds(veteran, NOW));
        assertEquals(registered.plus(Duration.ofDays(61)), next(veteran, NOW));
        flipsExactlyAt(veteran, registered.plus(Duration.ofDays(61)));
        assertNull(next(veteran, registered.plus(Duration.ofDays(61))), "tenure only grows: once in, always in");

        String newcomer = "{\"computed\":\"tenureDays\",\"operator\":\"lte\",\"value\":30}";
        assertTrue(holds(newcomer, NOW), "10 days even though 0 was published");
        flipsExactlyAt(newcomer, next(newcomer, NOW));
        assertEquals(registered.plus(Duration.ofDays(31)), next(newcomer, NOW));

        String band = "{\"computed\":\"tenureDays\",\"operator\":\"between\",\"value\":[20,40]}";
        assertEquals(registered.plus(Duration.ofDays(20)), next(band, NOW));
        assertEquals(registered.plus(Duration.ofDays(41)), next(band, registered.plus(Duration.ofDays(20))));
    }

    @Test
    void theTrailingValueDropsWhenPurchasesLeaveTheTwelveMonths() {
        computed.put("trailing12MonthValue", 150);
        computed.put("trailing12MonthValueExpiring", Map.of("2026-09-01", 80, "2027-03-01", 70));
        String big = "{\"computed\":\"trailing12MonthValue\",\"operator\":\"gt\",\"value\":100}";
        assertTrue(holds(big, NOW));
        Instant firstOut = Instant.parse("2026-09-01T00:00:00Z");
        assertEquals(firstOut, next(big, NOW));
        flipsExactlyAt(big, firstOut);
        assertNull(next(big, firstOut), "70 then 0: never above 100 again without a new purchase");

        String any = "{\"computed\":\"trailing12MonthValue\",\"operator\":\"gt\",\"value\":0}";
        assertEquals(Instant.parse("2027-03-01T00:00:00Z"), next(any, NOW), "the first drop keeps it above 0");
    }

    @Test
    void aRefundLeavingTheWindowRaisesTheTrailingValue() {
        computed.put("trailing12MonthValue", 40);
        computed.put("trailing12MonthValueExpiring", Map.of("2026-07-01", -20, "2026-08-01", 60));
        String mid = "{\"computed\":\"trailing12MonthValue\",\"operator\":\"gte\",\"value\":50}";
        assertFalse(holds(mid, NOW));
        assertEquals(Instant.parse("2026-07-01T00:00:00Z"), next(mid, NOW));
        flipsExactlyAt(mid, Instant.parse("2026-07-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-08-01T00:00:00Z"), next(mid, Instant.parse("2026-07-01T00:00:00Z")));
    }

    @Test
    void withoutTheClockInputsThePublishedValuesStand() {
        computed.put("trailing12MonthValue", 150);
        computed.put("tenureDays", 90);
        assertTrue(holds("{\"computed\":\"trailing12MonthValue\",\"operator\":\"gt\",\"value\":100}", NOW.plus(Duration.ofDays(900))));
        assertTrue(holds("{\"computed\":\"tenureDays\",\"operator\":\"equals\",\"value\":90}", NOW.plus(Duration.ofDays(900))));
        assertNull(next("{\"computed\":\"tenureDays\",\"operator\":\"equals\",\"value\":90}", NOW));
    }
}
