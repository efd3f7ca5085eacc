package io.touchpoint.platform.attribution;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Classifies a visit by where it came from, the same way wherever it is asked: profile-service for
 * each profile's first and latest touch, channel-gateway for the visit a content request describes.
 * Pure; nothing is looked up. The rules, in order:
 * <ol>
 * <li>campaign parameters: Segment's {@code context.campaign} ({@code name, source, medium, term,
 * content}), else the page URL's {@code utm_*}; the channel follows the medium ({@code organic} is
 * search, {@code cpc} paid, {@code social} or {@code influencer} social, ...), else the source when
 * it names a search engine or network;</li>
 * <li>an ad click id in the URL ({@code gclid}, {@code msclkid}: paid; {@code fbclid}: social);</li>
 * <li>the referrer: a search engine, a social network, a webmail, another site ({@code referral});
 * a referrer on the page's own host is a step inside a visit, not a touch (null);</li>
 * <li>a page without referrer: {@code direct}.</li>
 * </ol>
 * Without a page URL, a referrer or campaign parameters there is nothing to say (null).
 */
public final class TrafficSources {

    /** Longer values are cut: they are labels, and they end up in every copy of a profile. */
    static final int MAX_LENGTH = 200;

    private static final Map<String, String> MEDIUM_CHANNEL = new HashMap<>();

    static {
        for (String m : List.of("organic", "search", "seo")) {
            MEDIUM_CHANNEL.put(m, "search");
        }
        for (String m : List.of("cpc", "ppc", "paid", "paidsearch", "paid-search", "paid_search", "sem", "cpm", "cpv",
                "display", "banner", "paid-social", "paidsocial", "paid_social", "retargeting", "ads")) {
            MEDIUM_CHANNEL.put(m, "paid");
        }
        for (String m : List.of("social", "social-media", "social_media", "socialmedia", "social-network", "sm",
                "influencer", "influencers")) {
            MEDIUM_CHANNEL.put(m, "social");
        }
        for (String m : List.of("email", "e-mail", "e_mail", "newsletter", "mail")) {
            MEDIUM_CHANNEL.put(m, "email");
        }
        for (String m : List.of("affiliate", "affiliates", "partner", "partners")) {
            MEDIUM_CHANNEL.put(m, "affiliate");
        }
        MEDIUM_CHANNEL.put("referral", "referral");
        MEDIUM_CHANNEL.put("sms", "sms");
    }

    /** Search engines by the second-level name of their host (google.fi, google.co.uk). */
    private static final Set<String> SEARCH_NAMES = Set.of("google", "bing", "duckduckgo", "yahoo", "yandex", "baidu",
            "ecosia", "startpage", "qwant", "ask", "aol", "naver", "seznam");
    private static final Map<String, String> SEARCH_HOSTS = Map.of("search.brave.com", "brave");
    private static final Map<String, String> SOCIAL_HOSTS = new HashMap<>();

    static {
        SOCIAL_HOSTS.putAll(Map.of("facebook.com", "facebook", "fb.com", "facebook", "fb.me", "facebook",
                "instagram.com", "instagram", "t.co", "twitter", "twitter.com", "twitter", "x.com", "twitter",
                "linkedin.com", "linkedin", "lnkd.in", "linkedin"));
        SOCIAL_HOSTS.putAll(Map.of("youtube.com", "youtube", "youtu.be", "youtube", "tiktok.com", "tiktok",
                "reddit.com", "reddit", "pinterest.com", "pinterest", "snapchat.com", "snapchat", "threads.net", "threads",
                "whatsapp.com", "whatsapp", "t.me", "telegram"));
        SOCIAL_HOSTS.putAll(Map.of("vk.com", "vk", "tumblr.com", "tumblr", "discord.com", "discord", "twitch.tv", "twitch",
                "bsky.app", "bluesky", "mastodon.social", "mastodon"));
    }

    private static final Map<String, String> WEBMAIL_HOSTS = Map.of("mail.google.com", "gmail", "outlook.live.com",
            "outlook", "outlook.office.com", "outlook", "outlook.office365.com", "outlook", "mail.yahoo.com", "yahoo-mail");
    /** Query parameters that carry the search terms, per engine that still sends them. */
    private static final List<String> QUERY_PARAMETERS = List.of("q", "query", "p", "text", "wd", "word");

    private TrafficSources() {
    }

    /**
     * @param url      the page's URL (Segment: {@code context.page.url}), or null
     * @param referrer the referring URL ({@code context.page.referrer}), or null
     * @param campaign Segment's {@code context.campaign}, or null
     * @return the touch, or null when there is nothing to say or the referrer is the page's own site
     */
    public static Touch classify(String url, String referrer, Map<String, ?> campaign) {
        URI page = uri(url);
        Map<String, String> query = page == null ? Map.of() : query(page.getRawQuery());
        URI from = uri(referrer);
        String referrerHost = from == null ? null : host(from);
        String pagePath = page == null ? null : clip(page.getPath() == null || page.getPath().isEmpty() ? "/" : page.getPath());

        String source = first(text(campaign, "source"), query.get("utm_source"));
        String medium = first(text(campaign, "medium"), query.get("utm_medium"));
        String name = first(text(campaign, "name"), text(campaign, "campaign"), query.get("utm_campaign"));
        String term = first(text(campaign, "term"), query.get("utm_term"));
        String content = first(text(campaign, "content"), query.get("utm_content"));
        String searchTerm = searchTerm(from, referrerHost);

        if (source != null || medium != null || name != null || term != null || content != null) {
            String channel = channelOf(medium, source, referrerHost);
            return new Touch(channel, source != null ? lower(source) : referrerName(referrerHost), medium == null ? null : lower(medium),
                    name, term != null ? lower(term) : searchTerm, content, referrerHost, pagePath);
        }
        if (query.containsKey("gclid") || query.containsKey("dclid") || query.containsKey("gbraid") || query.containsKey("wbraid")) {
            return new Touch("paid", "google", "cpc", null, searchTerm, null, referrerHost, pagePath);
        }
        if (query.containsKey("msclkid")) {
            return new Touch("paid", "bing", "cpc", null, searchTerm, null, referrerHost, pagePath);
        }
        if (query.containsKey("fbclid")) {
            return new Touch("social", "facebook", null, null, null, null, referrerHost, pagePath);
        }
        if (referrerHost != null) {
            String pageHost = page == null ? null : host(page);
            if (referrerHost.equals(pageHost)) {
                return null;
            }
            return new Touch(referrerChannel(referrerHost), referrerName(referrerHost), null, null, searchTerm, null,
                    referrerHost, pagePath);
        }
        return page == null ? null : new Touch(Touch.DIRECT, null, null, null, null, null, null, pagePath);
    }

    /** The channel of a campaign: by its medium, else by a source that names a search engine or network, else the referrer. */
    static String channelOf(String medium, String source, String referrerHost) {
        if (medium != null) {
            String channel = MEDIUM_CHANNEL.get(lower(medium));
            return channel != null ? channel : "other";
        }
        if (source != null) {
            String s = lower(source);
            if (SEARCH_NAMES.contains(s) || SEARCH_HOSTS.containsValue(s) || SEARCH_NAMES.contains(secondLevel(s))) {
                return "search";
            }
            if (SOCIAL_HOSTS.containsValue(s) || SOCIAL_HOSTS.containsKey(s)) {
                return "social";
            }
        }
        return referrerHost != null ? referrerChannel(referrerHost) : "other";
    }

    private static String referrerChannel(String host) {
        if (searchName(host) != null) {
            return "search";
        }
        if (SOCIAL_HOSTS.containsKey(host)) {
            return "social";
        }
        if (WEBMAIL_HOSTS.containsKey(host)) {
            return "email";
        }
        return "referral";
    }

    /** The search engine or network by name, else the host itself. */
    private static String referrerName(String host) {
        if (host == null) {
            return null;
        }
        String search = searchName(host);
        if (search != null) {
            return search;
        }
        return SOCIAL_HOSTS.getOrDefault(host, WEBMAIL_HOSTS.getOrDefault(host, host));
    }

    private static String searchName(String host) {
        String known = SEARCH_HOSTS.get(host);
        if (known != null) {
            return known;
        }
        String name = secondLevel(host);
        // mail.google.com is a webmail, not a search; images.google.com and google.co.uk are search.
        return SEARCH_NAMES.contains(name) && !WEBMAIL_HOSTS.containsKey(host) ? name : null;
    }

    /** {@code google} of {@code google.co.uk}, {@code search.yahoo.com}, {@code google.fi}. */
    private static String secondLevel(String host) {
        String[] labels = host.split("\\.");
        if (labels.length < 2) {
            return host;
        }
        int i = labels.length - 2;
        // Two-letter country code under a generic second level: co.uk, com.au.
        if (labels.length >= 3 && labels[labels.length - 1].length() == 2
                && Set.of("co", "com", "net", "org", "ac").contains(labels[i])) {
            i--;
        }
        return labels[i];
    }

    private static String searchTerm(URI referrer, String host) {
        if (referrer == null || host == null || searchName(host) == null) {
            return null;
        }
        Map<String, String> query = query(referrer.getRawQuery());
        for (String parameter : QUERY_PARAMETERS) {
            String value = query.get(parameter);
            if (value != null) {
                return lower(value);
            }
        }
        return null;
    }

    private static URI uri(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(text.strip());
            return uri.getHost() == null && uri.getRawQuery() == null && uri.getPath() == null ? null : uri;
        } catch (URISyntaxException e) {
            // Pages send what the browser had; a space or a stray % must not cost the whole touch.
            try {
                return new URI(text.strip().replace(" ", "%20").replaceAll("%(?![0-9A-Fa-f]{2})", "%25"));
            } catch (URISyntaxException again) {
                return null;
            }
        }
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return null;
        }
        host = lower(host);
        for (String prefix : List.of("www.", "m.", "l.", "lm.", "mobile.")) {
            if (host.startsWith(prefix) && host.length() > prefix.length() + 3) {
                return host.substring(prefix.length());
            }
        }
        return host;
    }

    /** Parameter names lower-cased, values decoded; the first of a repeated name wins. */
    static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name != null && value != null && !value.isBlank()) {
                params.putIfAbsent(lower(name), clip(value.strip()));
            }
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(Map<String, ?> map, String name) {
        if (map == null) {
            return null;
        }
        Object value = map.get(name);
        return value instanceof String s && !s.isBlank() ? clip(s.strip()) : null;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String clip(String value) {
        return value.length() <= MAX_LENGTH ? value : value.substring(0, MAX_LENGTH);
    }

    private static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
