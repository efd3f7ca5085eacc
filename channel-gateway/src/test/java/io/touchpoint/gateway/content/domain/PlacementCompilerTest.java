package io.touchpoint.gateway.content.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlacementCompilerTest {

    private static PlacementDefinition.Variant variant(String key, int priority, Map<String, Object> rule, Object content) {
        return new PlacementDefinition.Variant(key, priority, rule, content);
    }

    @Test
    void variantsAreTriedHighestPriorityFirstAndContentWithoutMarkupIsWrittenOnce() {
        Placement p = PlacementCompiler.compile("banner", 2, 7, new PlacementDefinition("html", List.of(
                variant("low", 1, null, "<p>a & b</p>"),
                variant("high", 9, Map.of("inSegment", "s"), "<p>{{ profile.firstName }}</p>"))));
        assertEquals(List.of("high", "low"), p.variants().stream().map(Placement.CompiledVariant::key).toList());
        var fixed = assertInstanceOf(VariantContent.Static.class, p.variants().get(1).content());
        assertEquals("\"<p>a & b</p>\"", fixed.json(Map.of()));
        var html = assertInstanceOf(VariantContent.Html.class, p.variants().get(0).content());
        assertEquals("\"<p>&lt;i&gt;Ada&lt;/i&gt;</p>\"", html.json(Map.of("profile", Map.of("firstName", "<i>Ada</i>"))));
    }

    @Test
    void jsonContentRendersItsTemplatedStringsAsTextAndKeepsTheRest() {
        Placement p = PlacementCompiler.compile("landing", 1, 1, new PlacementDefinition("json", List.of(
                variant("v", 1, null, Map.of("hero", "For {{ visit.term }}", "n", 3, "list", List.of("a", "{{ visit.source }}"))))));
        String json = p.variants().get(0).content().json(Map.of("visit", Map.of("term", "<jackpot>", "source", "google")));
        assertEquals(Map.of("hero", "For <jackpot>", "n", 3, "list", List.of("a", "google")), VariantContent.read(json));
    }

    @Test
    void aValidDefinitionHasNoViolationsAndContentOfTheWrongKindIsNamed() {
        assertTrue(PlacementCompiler.check(new PlacementDefinition("json", List.of(variant("v", 1,
                Map.of("visit", "channel", "operator", "equals", "value", "social"), List.of(1, 2))))).isEmpty());
        assertEquals(List.of("variants[0].content"), PlacementCompiler.check(new PlacementDefinition("html", List.of(
                variant("v", 1, null, Map.of("not", "text"))))).stream().map(v -> v.field()).toList());
    }

    @Test
    void theVisitOfTheRequestWinsAndAVisitThatSaysNothingFallsBackToTheLatestTouch() {
        Visitor ada = new Visitor("p-1", Map.of(), Map.of("latestTouchChannel", "social", "latestTouchSource", "instagram"),
                List.of(), java.util.Set.of());
        assertEquals(Map.of("channel", "social", "source", "instagram"), Visits.of(null, ada));
        var inside = new Visits.Request("https://bet.example/odds", "https://bet.example/", null, null, null, null, null);
        assertEquals("social", Visits.of(inside, ada).get("channel"));
        var search = new Visits.Request(null, "https://www.google.com/", null, null, null, null, null);
        assertEquals("search", Visits.of(search, ada).get("channel"));
        var utm = new Visits.Request(null, null, "newsletter", "email", "spring", null, null);
        assertEquals(Map.of("channel", "email", "source", "newsletter", "medium", "email", "campaign", "spring"), Visits.of(utm, null));
        assertNull(Visits.of(null, null).get("channel"));
    }
}
