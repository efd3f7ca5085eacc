package io.touchpoint.gateway.content.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.platform.attribution.Touch;
import io.touchpoint.platform.attribution.TrafficSources;

/**
 * The visit a content rule tests ({@code {"visit": "term", ...}}): what the request says about the
 * current visit (its page URL, referrer and UTM parameters, classified as profile-service classifies
 * touches) wins; a request that says nothing of it, or only that it is a step inside the site,
 * gets the profile's latest campaign ({@code latestTouch…}).
 */
public final class Visits {

    private Visits() {
    }

    /** The request's parameters: {@code url}, {@code referrer} and the {@code utm_*} values, each null when absent. */
    public record Request(String url, String referrer, String source, String medium, String campaign, String term,
            String content) {

        boolean saysAnything() {
            return url != null || referrer != null || source != null || medium != null || campaign != null || term != null
                    || content != null;
        }
    }

    public static Map<String, Object> of(Request request, Visitor visitor) {
        if (request != null && request.saysAnything()) {
            Map<String, String> campaign = new LinkedHashMap<>();
            put(campaign, "source", request.source());
            put(campaign, "medium", request.medium());
            put(campaign, "name", request.campaign());
            put(campaign, "term", request.term());
            put(campaign, "content", request.content());
            Touch touch = TrafficSources.classify(request.url(), request.referrer(), campaign);
            if (touch != null) {
                return touch.asMap();
            }
        }
        return visitor == null ? Map.of() : latestTouch(visitor.computed());
    }

    private static Map<String, Object> latestTouch(Map<String, Object> computed) {
        Map<String, Object> visit = new LinkedHashMap<>();
        for (String part : ConditionParser.VISIT_PARTS) {
            Object value = computed.get("latestTouch" + part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1));
            if (value != null) {
                visit.put(part, value);
            }
        }
        return visit;
    }

    private static void put(Map<String, String> map, String name, String value) {
        if (value != null && !value.isBlank()) {
            map.put(name, value);
        }
    }
}
