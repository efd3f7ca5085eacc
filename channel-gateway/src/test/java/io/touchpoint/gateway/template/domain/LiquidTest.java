package io.touchpoint.gateway.template.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.delivery.domain.Content;

class LiquidTest {

    private static final Map<String, Object> ADA = Map.of("profile", Map.of("firstName", "Ada"), "vars", Map.of("offer", "10 spins"));

    @Test
    void rendersTraitsVariablesAndDefaults() {
        assertEquals("Hi Ada, 10 spins", Liquid.render("Hi {{ profile.firstName }}, {{ vars.offer }}", ADA));
        assertEquals("Hi there", Liquid.render("Hi {{ profile.nickname | default: 'there' }}", ADA));
        assertEquals("Hi ", Liquid.render("Hi {{ profile.nickname }}", ADA));
    }

    @Test
    void anUnknownFilterOrTagNamesItsLine() {
        var filter = assertThrows(Liquid.Failure.class, () -> Liquid.render("Hello\n{{ profile.firstName | shout }}", ADA));
        assertEquals("line 2: no filter available named: |shout", filter.getMessage());
        var tag = assertThrows(Liquid.Failure.class, () -> Liquid.render("a\nb\n{% frobnicate %}", ADA));
        assertEquals("line 3, column 4: \"Invalid Tag: 'frobnicate'\"", tag.getMessage());
    }

    @Test
    void isSandboxed() {
        assertTrue(assertThrows(Liquid.Failure.class, () -> Liquid.render("{% include 'secrets' %}", ADA)).getMessage()
                .contains("includes are not available"));
        assertTrue(assertThrows(Liquid.Failure.class, () -> Liquid.render("{% for i in (1..1000000) %}x{% endfor %}", ADA))
                .getMessage().contains("maxIterations"));
    }

    @Test
    void anEmailWithoutATextPartGetsOneFromItsHtml() {
        Content c = Liquid.render(new TemplateContent.Variant(new TemplateContent.Email(" Welcome, {{ profile.firstName }} ",
                "<h1>Hi {{ profile.firstName }}</h1><p>Your <a href=\"https://example.com/x\">offer</a>: {{ vars.offer }}</p>", null),
                null), "email", ADA);
        assertEquals("Welcome, Ada", c.subject());
        assertEquals("Hi Ada\nYour offer (https://example.com/x): 10 spins", c.text());
    }

    @Test
    void aPublishedVariantRendersAsWhenItWasSavedEveryTime() {
        var variant = new TemplateContent.Variant(new TemplateContent.Email("Hi {{ profile.firstName }}",
                "<p>{{ profile.firstName }}: {% for s in segments %}{{ s }};{% endfor %} {{ vars.offer | raw }}</p>", null),
                new TemplateContent.Sms("{{ profile.firstName }}, {{ vars.offer }}"));
        for (var data : List.of(ADA, Map.<String, Object>of("profile", Map.of("firstName", "<Bo>"), "segments", List.of("a", "b"),
                "vars", Map.of("offer", "<b>5</b>")), ADA)) {
            assertEquals(Liquid.render(variant, "email", data), Liquid.renderPublished(variant, "email", data));
            assertEquals(Liquid.render(variant, "sms", data), Liquid.renderPublished(variant, "sms", data));
        }
        assertEquals("plain", Liquid.renderPublished(new TemplateContent.Variant(null, new TemplateContent.Sms("plain")), "sms", ADA)
                .text());
        assertThrows(Liquid.Failure.class, () -> Liquid.renderPublished(new TemplateContent.Variant(null,
                new TemplateContent.Sms("{% for i in (1..1000000) %}x{% endfor %}")), "sms", ADA));
    }

    @Test
    void valuesAreEscapedInHtmlOnlyAndRawTakesThemAsTheyAre() {
        Map<String, Object> data = Map.of("profile", Map.of("firstName", "<a href=\"https://evil.example\">Ada</a> & co"),
                "vars", Map.of("banner", "<b>50% off</b>", "tags", List.of("<i>")));
        Content c = Liquid.render(new TemplateContent.Variant(new TemplateContent.Email("Hi {{ profile.firstName }}",
                "<p>Hi {{ profile.firstName }} {{ vars.tags[0] }}</p>{{ vars.banner | raw }}", "Hi {{ profile.firstName }}"), null),
                "email", data);
        assertEquals("<p>Hi &lt;a href=&quot;https://evil.example&quot;&gt;Ada&lt;/a&gt; &amp; co &lt;i&gt;</p><b>50% off</b>",
                c.html());
        // Subject and text are not HTML: they keep the characters as they are.
        assertEquals("Hi <a href=\"https://evil.example\">Ada</a> & co", c.subject());
        assertEquals("Hi <a href=\"https://evil.example\">Ada</a> & co", c.text());
    }

    @Test
    void checkNamesEachPartThatFails() {
        var content = new TemplateContent("en", Map.of("en", new TemplateContent.Variant(
                new TemplateContent.Email("ok", "<p>\n{{ x | nope }}</p>", null), new TemplateContent.Sms("{% if %}"))));
        List<Problem.Violation> violations = Liquid.check(content);
        assertEquals(List.of("locales.en.email.html", "locales.en.sms.text"), violations.stream().map(Problem.Violation::field).toList());
        assertTrue(violations.get(0).message().startsWith("line 2"), violations.get(0).message());
    }

    @Test
    void localesFallBackAlongTheTagThenToTheDefault() {
        var content = new TemplateContent("en", Map.of("en", new TemplateContent.Variant(null, new TemplateContent.Sms("hi")),
                "fi", new TemplateContent.Variant(null, new TemplateContent.Sms("hei"))));
        assertEquals(List.of("fi-FI", "fi", "en"), content.fallbackChain("fi-FI"));
        assertEquals("fi", content.variantFor("fi-FI").getKey());
        assertEquals("en", content.variantFor("sv-SE").getKey());
        assertEquals("en", content.variantFor(null).getKey());
    }
}
