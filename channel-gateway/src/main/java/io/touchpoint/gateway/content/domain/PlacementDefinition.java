package io.touchpoint.gateway.content.domain;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A placement's variants as marketers write them (a draft, and each published version): the kind of
 * content, and per variant a stable key, a priority (the higher is tried first), an optional rule in
 * the condition language ({@code ConditionParser.parseForContent}; none holds for everyone) and the
 * content: HTML text, or any JSON value, with Liquid in its strings.
 */
@RegisterForReflection
public record PlacementDefinition(String contentType, List<Variant> variants) {

    public static final String HTML = "html";
    public static final String JSON = "json";

    @RegisterForReflection
    public record Variant(String key, Integer priority, Map<String, Object> rule, Object content) {
    }
}
