package io.touchpoint.segmentation.preset.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.conditions.ConditionEvaluator.Facts;
import io.touchpoint.conditions.ConditionEvaluator.LoggedEvent;

/** The presets' rules on their own: one lifecycle stage at every instant, origins remembered, bands that tile. */
class PresetsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final Map<String, Object> computed = new HashMap<>();
    private final List<LoggedEvent> events = new ArrayList<>();
    private final Set<String> memberships = new HashSet<>();
    private final Map<String, Instant> lastLeft = new HashMap<>();

    private static Map<String, Condition> parsed(Presets.Built built) {
        Map<String, Condition> out = new java.util.LinkedHashMap<>();
        built.segments().forEach(f -> {
            var r = ConditionParser.parse(f.definition().condition(), "condition");
            assertTrue(r.valid(), () -> f.id() + ": " + r.violations());
            out.put(f.id(), r.condition());
        });
        return out;
    }

    /** One pass in install order, recording exits as the service does; returns the stage held. */
    private String stageAt(Map<String, Condition> segments, Instant now) {
        Facts facts = new Facts("p-1", Map.of(), computed, List.of(), events, memberships, lastLeft);
        segments.forEach((id, c) -> {
            boolean in = ConditionEvaluator.matches(c, facts, now);
            if (in) {
                memberships.add(id);
            } else if (memberships.remove(id)) {
                lastLeft.put(id, now);
            }
        });
        List<String> stages = Presets.STAGES.stream().map(k -> Presets.id("lifecycle", k)).filter(memberships::contains).toList();
        assertEquals(1, stages.size(), () -> "at " + now + ": " + stages);
        return stages.get(0).substring("lifecycle-".length());
    }

    private void bet(Instant at) {
        events.add(new LoggedEvent("Bet Placed", at, Map.of()));
    }

    private static Instant day(int n) {
        return T0.plus(Duration.ofDays(n));
    }

    @Test
    void aCustomerWalksThroughEveryStageWithExactlyOneAtATime() {
        var lifecycle = parsed(Presets.build("lifecycle", Map.of()));
        assertEquals("suspect", stageAt(lifecycle, day(0)));
        events.add(new LoggedEvent("Page Viewed", day(1), Map.of()));
        assertEquals("prospect", stageAt(lifecycle, day(1)));
        computed.put("registeredAt", day(2).toString());
        assertEquals("new-customer", stageAt(lifecycle, day(2)));
        bet(day(40));
        assertEquals("new-customer", stageAt(lifecycle, day(40)));
        assertEquals("new-customer", stageAt(lifecycle, day(62)));
        assertEquals("active-random", stageAt(lifecycle, day(62).plusSeconds(1)));
        for (int i = 0; i < 4; i++) {
            bet(day(63 + i));
        }
        assertEquals("active-active", stageAt(lifecycle, day(67)));
        for (int i = 0; i < 8; i++) {
            bet(day(68).plusSeconds(i));
        }
        assertEquals("active-top", stageAt(lifecycle, day(69)));
        assertEquals("becoming-passive-from-top", stageAt(lifecycle, day(68).plus(Duration.ofDays(30)).plusSeconds(8)));
        assertEquals("passive-from-active", stageAt(lifecycle, day(68).plus(Duration.ofDays(183)).plusSeconds(8)));
        bet(day(300));
        assertEquals("active-random", stageAt(lifecycle, day(300)));
        assertEquals("becoming-passive-from-random", stageAt(lifecycle, day(330)));
        assertEquals("passive-from-random", stageAt(lifecycle, day(483)));
    }

    @Test
    void aNewCustomerWhoNeverBetsLapsesFromNew() {
        var lifecycle = parsed(Presets.build("lifecycle", Map.of("newCustomerDays", 30)));
        computed.put("registeredAt", day(0).toString());
        bet(day(1));
        assertEquals("new-customer", stageAt(lifecycle, day(1)));
        assertEquals("becoming-passive-from-new", stageAt(lifecycle, day(35)));
        assertEquals("passive-from-new", stageAt(lifecycle, day(200)));
    }

    @Test
    void rfmAndMarginBandsTileTheRange() {
        var rfm = parsed(Presets.build("rfm", Map.of()));
        var margins = parsed(Presets.build("margin-groups", Map.of()));
        assertEquals(15, rfm.size());
        assertEquals(14, margins.size());
        for (double value : new double[] { -5, 0, 99.99, 100, 250, 4999, 5000, 1e9 }) {
            computed.put("lifetimeValue", value);
            computed.put("trailing12MonthValue", value);
            Facts facts = new Facts("p-1", Map.of(), computed, List.of(), events, memberships, lastLeft);
            long lifetime = margins.entrySet().stream().filter(e -> e.getKey().startsWith("margin-lifetime-"))
                    .filter(e -> ConditionEvaluator.matches(e.getValue(), facts, T0)).count();
            long money = rfm.entrySet().stream().filter(e -> e.getKey().startsWith("rfm-m"))
                    .filter(e -> ConditionEvaluator.matches(e.getValue(), facts, T0)).count();
            assertEquals(1, lifetime, "lifetime " + value);
            assertEquals(1, money, "monetary " + value);
        }
        for (int n = 0; n < 20; n++) {
            Facts facts = new Facts("p-1", Map.of(), computed, List.of(), events, memberships, lastLeft);
            List<String> r = rfm.entrySet().stream().filter(e -> e.getKey().matches("rfm-[rf]\\d"))
                    .filter(e -> ConditionEvaluator.matches(e.getValue(), facts, day(400))).map(Map.Entry::getKey).toList();
            assertEquals(2, r.size(), () -> r.toString());
            bet(day(400).minus(Duration.ofDays(n * 9L)));
        }
        assertTrue(ConditionEvaluator.matches(rfm.get("rfm-r5"), new Facts("p-1", Map.of(), computed, List.of(), events,
                memberships, lastLeft), day(400)));
    }

    @Test
    void badSettingsAreReportedTogether() {
        var e = assertThrows(InvalidRequestException.class, () -> Presets.build("lifecycle",
                Map.of("newCustomerDays", "two months", "activeMinBets", 10, "topMinBets", 5, "colour", "red")));
        assertEquals(List.of("newCustomerDays", "topMinBets", "colour"),
                e.violations().stream().map(v -> v.field()).toList());
        var m = assertThrows(InvalidRequestException.class, () -> Presets.build("margin-groups",
                Map.of("lifetimeValues", List.of(1, 2, 2, 4, 5, 6))));
        assertEquals("lifetimeValues[2]", m.violations().get(0).field());
    }
}
