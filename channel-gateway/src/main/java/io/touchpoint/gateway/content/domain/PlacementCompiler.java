package io.touchpoint.gateway.content.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.touchpoint.conditions.Condition;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.template.domain.Liquid;

/**
 * Checks a placement definition whole, every problem with its JSON path, and turns a valid one into
 * a {@link Placement}: rules parsed in the content dialect, templates parsed and rendered once
 * against sample data (so an unknown filter is refused at the save, not met by visitors), variants
 * ordered by priority. Pure.
 */
public final class PlacementCompiler {

    public static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    static final int MAX_VARIANTS = 50;
    static final int MAX_CONTENT_CHARS = 64 * 1024;
    /** What templates are rendered against when a placement is saved. */
    static final Map<String, Object> SAMPLE = Map.of(
            "visit", Map.of("channel", "search", "source", "google", "medium", "organic", "campaign", "spring",
                    "term", "toto jackpot", "content", "banner-a", "referrer", "google.com", "page", "/"),
            "profile", Map.of("firstName", "Ada"), "computed", Map.of("bonusPoints", 120),
            "placement", "sample", "variant", "sample");

    private PlacementCompiler() {
    }

    public static List<Problem.Violation> check(PlacementDefinition definition) {
        List<Problem.Violation> violations = new ArrayList<>();
        String type = definition.contentType();
        if (!PlacementDefinition.HTML.equals(type) && !PlacementDefinition.JSON.equals(type)) {
            violations.add(new Problem.Violation("contentType", "must be html or json"));
        }
        List<PlacementDefinition.Variant> variants = definition.variants();
        if (variants == null || variants.isEmpty()) {
            violations.add(new Problem.Violation("variants", "must hold at least one variant"));
            return violations;
        }
        if (variants.size() > MAX_VARIANTS) {
            violations.add(new Problem.Violation("variants", "must hold at most " + MAX_VARIANTS + " variants"));
        }
        Set<String> keys = new HashSet<>();
        Set<Integer> priorities = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            String at = "variants[" + i + "]";
            PlacementDefinition.Variant v = variants.get(i);
            if (v == null) {
                violations.add(new Problem.Violation(at, "must be an object"));
                continue;
            }
            if (v.key() == null || !KEY.matcher(v.key()).matches()) {
                violations.add(new Problem.Violation(at + ".key", "must be 1 to 100 of a-z, 0-9, '.', '_' and '-', "
                        + "starting with a letter or digit"));
            } else if (!keys.add(v.key())) {
                violations.add(new Problem.Violation(at + ".key", "is the key of an earlier variant; keys must differ"));
            }
            if (v.priority() == null) {
                violations.add(new Problem.Violation(at + ".priority", "is required: a whole number, the higher tried first"));
            } else if (!priorities.add(v.priority())) {
                violations.add(new Problem.Violation(at + ".priority", "is the priority of an earlier variant; "
                        + "priorities must differ, so the order is never left to chance"));
            }
            if (v.rule() != null) {
                violations.addAll(ConditionParser.parseForContent(v.rule(), at + ".rule").violations());
            }
            content(violations, type, v.content(), at + ".content");
        }
        return violations;
    }

    private static void content(List<Problem.Violation> violations, String type, Object content, String at) {
        if (content == null) {
            violations.add(new Problem.Violation(at, "is required"));
            return;
        }
        if (PlacementDefinition.HTML.equals(type)) {
            if (!(content instanceof String html)) {
                violations.add(new Problem.Violation(at, "must be text (HTML) in an html placement"));
            } else if (html.length() > MAX_CONTENT_CHARS) {
                violations.add(new Problem.Violation(at, "must be at most " + MAX_CONTENT_CHARS + " characters"));
            } else {
                template(violations, html, at, true);
            }
            return;
        }
        if (PlacementDefinition.JSON.equals(type)) {
            if (VariantContent.write(content).length() > MAX_CONTENT_CHARS) {
                violations.add(new Problem.Violation(at, "must be at most " + MAX_CONTENT_CHARS + " characters as JSON"));
                return;
            }
            strings(violations, content, at);
        }
    }

    private static void strings(List<Problem.Violation> violations, Object node, String at) {
        if (node instanceof String text) {
            template(violations, text, at, false);
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> strings(violations, v, at + "." + k));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                strings(violations, list.get(i), at + "[" + i + "]");
            }
        }
    }

    private static void template(List<Problem.Violation> violations, String text, String at, boolean html) {
        if (!Liquid.hasMarkup(text)) {
            return;
        }
        try {
            new Liquid.Shared(text).render(html ? Liquid.htmlEscaped(SAMPLE) : SAMPLE);
        } catch (Liquid.Failure e) {
            violations.add(new Problem.Violation(at, e.getMessage()));
        }
    }

    /** The placement ready to decide; the definition must have passed {@link #check}. */
    public static Placement compile(String key, int version, long revision, PlacementDefinition definition) {
        List<Placement.CompiledVariant> variants = new ArrayList<>();
        for (PlacementDefinition.Variant v : definition.variants()) {
            Condition rule = v.rule() == null ? null : ConditionParser.parseForContent(v.rule(), "rule").condition();
            variants.add(new Placement.CompiledVariant(v.key(), v.priority(), rule, prepare(definition.contentType(), v.content())));
        }
        variants.sort(Comparator.comparingInt(Placement.CompiledVariant::priority).reversed());
        return new Placement(key, version, revision, definition.contentType(), List.copyOf(variants));
    }

    static VariantContent prepare(String type, Object content) {
        if (PlacementDefinition.HTML.equals(type)) {
            String html = (String) content;
            return Liquid.hasMarkup(html) ? new VariantContent.Html(new Liquid.Shared(html))
                    : new VariantContent.Static(VariantContent.quote(html));
        }
        if (!anyMarkup(content)) {
            return new VariantContent.Static(VariantContent.write(content));
        }
        return new VariantContent.Json(templates(content));
    }

    private static boolean anyMarkup(Object node) {
        if (node instanceof String text) {
            return Liquid.hasMarkup(text);
        }
        if (node instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(PlacementCompiler::anyMarkup);
        }
        if (node instanceof List<?> list) {
            return list.stream().anyMatch(PlacementCompiler::anyMarkup);
        }
        return false;
    }

    private static Object templates(Object node) {
        if (node instanceof String text) {
            return Liquid.hasMarkup(text) ? new Liquid.Shared(text) : text;
        }
        if (node instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, templates(v)));
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(PlacementCompiler::templates).toList();
        }
        return node;
    }
}
