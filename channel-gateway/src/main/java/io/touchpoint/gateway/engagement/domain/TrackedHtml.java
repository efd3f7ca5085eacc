package io.touchpoint.gateway.engagement.domain;

import java.net.URI;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An email's HTML with its web links pointing at the click redirect and an open pixel at the end
 * of its body. Only {@code http(s)} hrefs of anchors are rewritten: mailto and tel links, anchors
 * within the page, links the caller exempts (the unsubscribe and preference links, which must stay
 * what List-Unsubscribe says) and anchors marked {@code data-tp-untracked} stay as they are. The
 * href's HTML entities are decoded before the URL is signed, so the redirect leads exactly where
 * the link did. Pure.
 */
public final class TrackedHtml {

    private static final Pattern ANCHOR = Pattern.compile("<a\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern HREF = Pattern.compile("(\\shref\\s*=\\s*)(\"([^\"]*)\"|'([^']*)')", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNTRACKED = Pattern.compile("\\sdata-tp-untracked\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern BODY_END = Pattern.compile("</body\\s*>", Pattern.CASE_INSENSITIVE);

    private TrackedHtml() {
    }

    /**
     * @param clickUrl the tracked link for a target URL (already decoded)
     * @param openUrl  the pixel's URL, or null to add none
     */
    public static String instrument(String html, Function<String, String> clickUrl, Predicate<String> exempt, String openUrl) {
        String linked = clickUrl == null ? html : links(html, clickUrl, exempt);
        return openUrl == null ? linked : pixel(linked, openUrl);
    }

    private static String links(String html, Function<String, String> clickUrl, Predicate<String> exempt) {
        Matcher anchor = ANCHOR.matcher(html);
        StringBuilder out = new StringBuilder(html.length() + 256);
        while (anchor.find()) {
            String tag = anchor.group();
            anchor.appendReplacement(out, Matcher.quoteReplacement(UNTRACKED.matcher(tag).find() ? tag : rewritten(tag, clickUrl, exempt)));
        }
        anchor.appendTail(out);
        return out.toString();
    }

    private static String rewritten(String tag, Function<String, String> clickUrl, Predicate<String> exempt) {
        Matcher href = HREF.matcher(tag);
        if (!href.find()) {
            return tag;
        }
        String raw = href.group(3) != null ? href.group(3) : href.group(4);
        String url = decode(raw.strip());
        String scheme = url.toLowerCase(Locale.ROOT);
        if (!(scheme.startsWith("http://") || scheme.startsWith("https://")) || exempt.test(url) || !valid(url)) {
            return tag;
        }
        return tag.substring(0, href.start()) + href.group(1) + "\"" + escape(clickUrl.apply(url)) + "\"" + tag.substring(href.end());
    }

    /** A link the redirect could not lead to (a space, a stray quote) is left for the mail client to make sense of. */
    private static boolean valid(String url) {
        try {
            URI.create(url);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String pixel(String html, String openUrl) {
        String img = "<img src=\"" + escape(openUrl) + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;"
                + "width:1px;height:1px\">";
        Matcher end = BODY_END.matcher(html);
        int at = -1;
        while (end.find()) {
            at = end.start();
        }
        return at < 0 ? html + img : html.substring(0, at) + img + html.substring(at);
    }

    /** The entities a template or an editor writes into an href; anything else is left as written. */
    static String decode(String href) {
        if (href.indexOf('&') < 0) {
            return href;
        }
        return href.replace("&amp;", "&").replace("&#38;", "&").replace("&#x26;", "&").replace("&quot;", "\"").replace("&#34;", "\"")
                .replace("&#39;", "'").replace("&#x27;", "'").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">");
    }

    private static String escape(String url) {
        return url.replace("&", "&amp;").replace("\"", "&quot;");
    }
}
