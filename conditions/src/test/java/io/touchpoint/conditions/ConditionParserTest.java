package io.touchpoint.conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.contracts.Problem;

class ConditionParserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ConditionParser.Result parse(String json) throws Exception {
        return ConditionParser.parse(MAPPER.readValue(json, Object.class), "condition");
    }

    private static List<String> fields(ConditionParser.Result r) {
        return r.violations().stream().map(Problem.Violation::field).toList();
    }

    @Test
    void aValidTreeOfEveryKindParses() throws Exception {
        var r = parse("""
                {"all":[
                  {"trait":"plan","operator":"in","value":["gold","silver"]},
                  {"computed":"lifetimeValue","operator":"gte","value":100},
                  {"any":[{"event":"Bet Placed","where":{"market":"football"},"count":{"operator":"at_least","value":2},"withinLastDays":30},
                          {"event":"Login","notPerformedForDays":30}]},
                  {"not":{"consent":{"channel":"email","topic":"newsletter"}}},
                  {"inSegment":"s-1"},
                  {"randomBucket":{"salt":"holdout-1","percent":10}},
                  {"event":"Order","between":{"from":"2026-01-01","to":"2026-02-01T00:00:00Z"}},
                  {"trait":"birthday","operator":"anniversary_within_days","value":7}
                ]}""");
        assertTrue(r.valid(), () -> r.violations().toString());
        assertInstanceOf(Condition.All.class, r.condition());
        assertEquals(Set.of("s-1"), r.referencedSegments());
        assertEquals("condition.all[4].inSegment", r.referencePaths().get("s-1"));
    }

    @Test
    void everyBadNodeIsReportedWithItsJsonPath() throws Exception {
        var r = parse("""
                {"all":[
                  {"trait":"plan","operator":"equals","value":"gold"},
                  {"trait":"plan","operator":"equals","value":"gold"},
                  {"trait":"plan","operator":"resembles","value":"gold"},
                  {"any":[{"computed":"shoeSize","operator":"gt","value":"big"}]},
                  {"not":{"event":"","count":{"operator":"some","value":-1},"withinLastDays":999}},
                  {"consent":{"topic":"x"}},
                  {"randomBucket":{"salt":"","percent":120}},
                  {"trait":"a","operator":"between","value":[1]},
                  {"trait":"a","operator":"within_last_days","value":"ten"},
                  {"hello":1},
                  {"trait":"a","inSegment":"x","operator":"exists"},
                  []
                ]}""");
        assertEquals(List.of("condition.all[2].operator", "condition.all[3].any[0].computed",
                "condition.all[3].any[0].value", "condition.all[4].not.event", "condition.all[4].not.count.operator",
                "condition.all[4].not.count.value", "condition.all[4].not.withinLastDays",
                "condition.all[5].consent.channel", "condition.all[6].randomBucket.salt",
                "condition.all[6].randomBucket.percent", "condition.all[7].value", "condition.all[8].value",
                "condition.all[9]", "condition.all[10]", "condition.all[11]"), fields(r));
        assertTrue(r.violations().get(0).message().contains("'resembles' is not one of equals"));
    }

    @Test
    void emptyGroupsMissingConditionsAndConflictingWindowsAreRefused() throws Exception {
        assertEquals(List.of("condition.any"), fields(parse("{\"any\":[]}")));
        assertEquals(List.of("condition"), fields(ConditionParser.parse(null, "condition")));
        assertEquals(List.of("condition.between"), fields(parse("""
                {"event":"X","withinLastDays":3,"between":{"from":"2026-01-01","to":"2026-01-02"}}""")));
        assertEquals(List.of("condition.between"), fields(parse("""
                {"event":"X","between":{"from":"2026-02-01","to":"2026-01-02"}}""")));
        assertEquals(List.of("condition.count"), fields(parse("""
                {"event":"X","notPerformedForDays":3,"count":{"operator":"at_least","value":1}}""")));
        assertEquals(List.of("condition.where.market"), fields(parse("""
                {"event":"X","where":{"market":{"nested":true}}}""")));
    }

    @Test
    void deepNestingIsAllowedUpToALimit() throws Exception {
        String leaf = "{\"trait\":\"a\",\"operator\":\"exists\"}";
        String ok = leaf;
        for (int i = 0; i < 20; i++) {
            ok = "{\"not\":" + ok + "}";
        }
        assertTrue(parse(ok).valid());
        String tooDeep = leaf;
        for (int i = 0; i < 40; i++) {
            tooDeep = "{\"not\":" + tooDeep + "}";
        }
        assertEquals(1, parse(tooDeep).violations().size());
    }

    @Test
    void conditionsThatReadTheClockAreRecognised() throws Exception {
        assertTrue(Condition.timeDependent(parse("{\"not\":{\"event\":\"X\",\"withinLastDays\":3}}").condition()));
        assertTrue(Condition.timeDependent(parse("{\"event\":\"X\",\"notPerformedForDays\":3}").condition()));
        assertTrue(Condition.timeDependent(parse("{\"any\":[{\"trait\":\"b\",\"operator\":\"anniversary_within_days\",\"value\":3}]}").condition()));
        assertFalse(Condition.timeDependent(parse("{\"all\":[{\"event\":\"X\"},{\"trait\":\"b\",\"operator\":\"gt\",\"value\":3}]}").condition()));
    }
}
