package io.touchpoint.gateway.engagement.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

class TrackedHtmlTest {

    private static final Function<String, String> CLICK = url -> "https://t.example/c/" + url.length();
    private static final Predicate<String> UNSUBSCRIBE = url -> url.startsWith("https://t.example/v1/unsubscribe/");

    @Test
    void webLinksGoThroughTheRedirectAndThePixelEndsTheBody() {
        String html = "<html><body><p><a href=\"https://shop.example/sale?a=1&amp;b=2\" class=\"cta\">Sale</a>"
                + "<A HREF='http://x.example'>x</A></p></BODY></html>";
        assertEquals("<html><body><p><a href=\"https://t.example/c/33\" class=\"cta\">Sale</a>"
                + "<A HREF=\"https://t.example/c/16\">x</A></p><img src=\"https://t.example/o\" width=\"1\" height=\"1\" alt=\"\" "
                + "style=\"display:block;border:0;width:1px;height:1px\"></BODY></html>",
                TrackedHtml.instrument(html, CLICK, UNSUBSCRIBE, "https://t.example/o"));
    }

    @Test
    void theRedirectGetsTheDecodedUrl() {
        StringBuilder seen = new StringBuilder();
        TrackedHtml.instrument("<a href=\"https://shop.example/?q=a&amp;r=&#39;b&#39;\">", url -> {
            seen.append(url);
            return "https://t.example/c?x=1&y=2";
        }, UNSUBSCRIBE, null);
        assertEquals("https://shop.example/?q=a&r='b'", seen.toString());
        assertEquals("<a href=\"https://t.example/c?x=1&amp;y=2\">",
                TrackedHtml.instrument("<a href=\"https://shop.example/\">", u -> "https://t.example/c?x=1&y=2", UNSUBSCRIBE, null));
    }

    @Test
    void whatIsNotAWebLinkOrIsExemptStaysAsWritten() {
        String html = "<a href=\"mailto:help@shop.example\">m</a><a href=\"tel:+358401234567\">t</a><a href=\"#top\">top</a>"
                + "<a name=\"x\">n</a><a data-tp-untracked href=\"https://shop.example/raw\">raw</a>"
                + "<a href=\"https://t.example/v1/unsubscribe/u1.abc\">unsubscribe</a><a href=\"https://bad example/\">bad</a>";
        assertEquals(html, TrackedHtml.instrument(html, CLICK, UNSUBSCRIBE, null));
    }

    @Test
    void withoutABodyThePixelIsAppendedAndWithoutTrackingNothingChanges() {
        assertEquals("<p>Hi</p><img src=\"https://t.example/o?a=1&amp;b=2\" width=\"1\" height=\"1\" alt=\"\" "
                + "style=\"display:block;border:0;width:1px;height:1px\">",
                TrackedHtml.instrument("<p>Hi</p>", null, UNSUBSCRIBE, "https://t.example/o?a=1&b=2"));
        assertEquals("<a href=\"https://x.example\">x</a>", TrackedHtml.instrument("<a href=\"https://x.example\">x</a>", null,
                UNSUBSCRIBE, null));
    }
}
