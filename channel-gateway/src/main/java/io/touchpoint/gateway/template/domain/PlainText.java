package io.touchpoint.gateway.template.domain;

import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The text part of an email made from its HTML when the template gives none: block elements on
 * lines of their own, links followed by their address (a text reader cannot click), no markup.
 */
public final class PlainText {

    private static final Set<String> BLOCKS = Set.of("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
            "table", "ul", "ol", "blockquote", "section", "article", "header", "footer", "hr");

    private PlainText() {
    }

    public static String of(String html) {
        StringBuilder text = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    text.append(t.text());
                } else if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
                    newline(text);
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e) {
                    if (e.normalName().equals("a") && !e.attr("href").isBlank() && !e.attr("href").equals(e.text().strip())) {
                        text.append(" (").append(e.attr("href")).append(')');
                    } else if (BLOCKS.contains(e.normalName())) {
                        newline(text);
                    }
                }
            }
        }, Jsoup.parse(html).body());
        return text.toString().replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll(" ?\n ?", "\n").replaceAll("\n{3,}", "\n\n")
                .strip();
    }

    private static void newline(StringBuilder text) {
        if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
    }
}
