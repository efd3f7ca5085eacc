package io.touchpoint.platform.attribution;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a visit came from: a campaign (UTM parameters or Segment's {@code context.campaign}), a
 * click id, or the referring site, classified into a {@code channel}. Absent parts are null.
 *
 * @param channel  {@code search}, {@code social}, {@code email}, {@code paid}, {@code affiliate},
 *                 {@code referral} (another site), {@code sms}, {@code direct} or {@code other}
 *                 (a campaign whose medium says none of these)
 * @param source   {@code utm_source}, else the referring search engine or network by name
 *                 ({@code google}, {@code facebook}), else the referring host
 * @param medium   {@code utm_medium} as sent
 * @param campaign {@code utm_campaign} (Segment: {@code campaign.name})
 * @param term     {@code utm_term}, else the query a search engine's referrer still carries; lower-cased, as
 *                 people type queries in any case
 * @param content  {@code utm_content}
 * @param referrer the referring host, without {@code www.}
 * @param page     the landing page's path (never its query, which may hold personal data)
 */
public record Touch(String channel, String source, String medium, String campaign, String term, String content,
        String referrer, String page) {

    public static final String DIRECT = "direct";

    public boolean direct() {
        return DIRECT.equals(channel);
    }

    /** The parts present, by name (channel, source, medium, campaign, term, content, referrer, page). */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        put(map, "channel", channel);
        put(map, "source", source);
        put(map, "medium", medium);
        put(map, "campaign", campaign);
        put(map, "term", term);
        put(map, "content", content);
        put(map, "referrer", referrer);
        put(map, "page", page);
        return map;
    }

    private static void put(Map<String, Object> map, String name, String value) {
        if (value != null) {
            map.put(name, value);
        }
    }
}
