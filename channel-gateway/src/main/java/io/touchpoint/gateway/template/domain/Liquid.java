package io.touchpoint.gateway.template.domain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jsoup.parser.Parser;

import liqp.Template;
import liqp.TemplateContext;
import liqp.TemplateParser;
import liqp.exceptions.LiquidException;
import liqp.filters.Filter;

import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.delivery.domain.Content;
import io.touchpoint.gateway.recipient.domain.Channels;

/**
 * Liquid through liqp, sandboxed for templates marketers write: no includes (nothing is read from
 * disk), bounded loops, output and render time; unknown tags and filters are errors, and unknown
 * variables render empty ({@code default} gives a fallback). Templates see {@code profile} (traits),
 * {@code computed} (computed attributes), {@code vars} (the request's variables), {@code profileId}
 * and, in marketing messages, {@code unsubscribeUrl} and {@code preferencesUrl}. In an email's HTML
 * every value is HTML-escaped, since traits come from sign-up forms anyone can fill in: a first
 * name of {@code <a href=...>} shows as text, never as a link in the operator's mail. In a webhook's
 * JSON body every value is escaped for a JSON string, and the result must parse as JSON.
 */
public final class Liquid {

    /** What a template is rendered against when it is saved, so a broken one is refused then, not at send time. */
    public static final Map<String, Object> SAMPLE = Map.of("profileId", "sample-profile",
            "profile", Map.of("firstName", "Ada", "lastName", "Lovelace", "email", "ada@example.com"),
            "computed", Map.of("orderCount", 3, "lifetimeValue", 120.5), "segments", java.util.List.of("sample-segment"), "vars", Map.of(),
            "unsubscribeUrl", "https://touchpoint.example/v1/unsubscribe/sample",
            "preferencesUrl", "https://touchpoint.example/v1/preferences/sample");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static final TemplateParser PARSER = sandbox().withMaxRenderTimeMillis(500).build();

    /** Strict, no includes (nothing is read from disk), bounded loops, output and template size. */
    private static TemplateParser.Builder sandbox() {
        return new TemplateParser.Builder()
                .withErrorMode(TemplateParser.ErrorMode.STRICT)
                .withStrictVariables(false)
                .withMaxIterations(10_000)
                .withMaxSizeRenderedString(512 * 1024)
                .withMaxTemplateSizeBytes(256 * 1024)
                .withNameResolver(name -> {
                    throw new IOException("includes are not available in templates");
                })
                .withFilter(new Raw());
    }

    /**
     * {@code {{ vars.banner | raw }}}: a value the sender vouches for, put into HTML as it is. Values
     * reach HTML escaped (see {@link #render(TemplateContent.Variant, String, Map)}); this undoes it.
     */
    static final class Raw extends Filter {
        Raw() {
            super("raw");
        }

        @Override
        public Object apply(Object value, TemplateContext context, Object... params) {
            return value == null ? null : Parser.unescapeEntities(asString(value, context), false);
        }
    }

    /**
     * The same sandbox without the render-time guard, for templates rendered on a request's thread:
     * liqp enforces that limit by rendering on a new thread per call and waiting for it, which a
     * request path cannot afford. Loops and output stay bounded by iterations and size.
     */
    private static final TemplateParser UNTIMED = sandbox().build();

    private Liquid() {
    }

    /**
     * A template parsed once and rendered on many threads at once. A liqp {@code Template} keeps the
     * context of the render under way in a field, so one instance must not render twice at the same
     * time: each thread gets its own copy, parsed on its first render.
     */
    public static final class Shared {
        private final ThreadLocal<Template> perThread;

        /** @throws Failure when the source is not a valid template */
        public Shared(String source) {
            Template checked = parseUntimed(source);
            this.perThread = ThreadLocal.withInitial(() -> parseUntimed(source));
            perThread.set(checked);
        }

        public String render(Map<String, Object> data) {
            try {
                return perThread.get().renderUnguarded(data);
            } catch (RuntimeException e) {
                throw new Failure(describe(e));
            }
        }

        private static Template parseUntimed(String source) {
            try {
                return UNTIMED.parse(source);
            } catch (RuntimeException e) {
                throw new Failure(describe(e));
            }
        }
    }

    /** The render failed: {@code message} names the line when Liquid knows it. */
    public static final class Failure extends RuntimeException {
        public Failure(String message) {
            super(message, null, false, false);
        }
    }

    public static String render(String source, Map<String, Object> data) {
        if (source == null) {
            return null;
        }
        try {
            Template template = PARSER.parse(source);
            return template.render(data);
        } catch (RuntimeException e) {
            throw new Failure(describe(e));
        }
    }

    /** Whether the text holds Liquid markup at all: text without it renders as itself. */
    public static boolean hasMarkup(String source) {
        return source != null && (source.contains("{{") || source.contains("{%"));
    }

    /** The data with every string HTML-escaped, for rendering into HTML (see the class comment). */
    public static Map<String, Object> htmlEscaped(Map<String, ?> data) {
        return Escaped.html(data);
    }

    /**
     * Renders one locale's variant for a channel, parsing it now and under the render-time guard
     * (saving, previewing, test sends); the email text comes from the HTML when the template has none.
     */
    public static Content render(TemplateContent.Variant variant, String channel, Map<String, Object> data) {
        return render(variant, channel, data, Liquid::render);
    }

    /**
     * Renders a published variant for a delivery, on the caller's thread: parsed once per source
     * (published versions never change) and bounded by iterations and output size like on-site
     * content, not by the render-time guard, which renders on a new thread per call and waits for it
     * (parsing and that thread were most of a delivery's rendering, on an event loop).
     */
    public static Content renderPublished(TemplateContent.Variant variant, String channel, Map<String, Object> data) {
        return render(variant, channel, data, Liquid::renderParsed);
    }

    private interface Renderer {
        String render(String source, Map<String, Object> data);
    }

    private static Content render(TemplateContent.Variant variant, String channel, Map<String, Object> data, Renderer renderer) {
        if (Channels.EMAIL.equals(channel) && variant.email() != null) {
            TemplateContent.Email email = variant.email();
            String html = renderer.render(email.html(), Escaped.html(data));
            String text = email.text() != null ? renderer.render(email.text(), data) : html == null ? null : PlainText.of(html);
            return new Content(renderer.render(email.subject(), data).strip(), html, text);
        }
        if (Channels.SMS.equals(channel) && variant.sms() != null) {
            return new Content(null, null, renderer.render(variant.sms().text(), data));
        }
        if (Channels.WEBHOOK.equals(channel) && variant.webhook() != null) {
            return new Content(null, null, json(renderer.render(variant.webhook().body(), Escaped.json(data))),
                    variant.webhook().endpoint());
        }
        throw new Failure("no " + channel + " content");
    }

    /** Parsed sources; cleared when full, which only costs parsing again. */
    private static final Map<String, Shared> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_LIMIT = 512;

    private static String renderParsed(String source, Map<String, Object> data) {
        if (source == null) {
            return null;
        }
        if (!hasMarkup(source)) {
            return source;
        }
        Shared parsed = PARSED.get(source);
        if (parsed == null) {
            if (PARSED.size() >= PARSED_LIMIT) {
                PARSED.clear();
            }
            parsed = new Shared(source);
            PARSED.put(source, parsed);
        }
        return parsed.render(data);
    }

    /** A webhook's body must be JSON: what a partner's receiver parses. */
    private static String json(String body) {
        try {
            JSON.readTree(body);
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Failure("the webhook body is not JSON: " + e.getOriginalMessage());
        }
    }

    /** Every part of every variant rendered against {@link #SAMPLE}; one violation per part that fails, by its JSON path. */
    public static List<Problem.Violation> check(TemplateContent content) {
        List<Problem.Violation> violations = new ArrayList<>();
        content.locales().forEach((locale, variant) -> {
            String at = "locales." + locale;
            if (variant == null) {
                violations.add(new Problem.Violation(at, "must hold email, sms or webhook content"));
                return;
            }
            if (variant.email() != null) {
                part(violations, at + ".email.subject", variant.email().subject());
                part(violations, at + ".email.html", variant.email().html(), Escaped.html(SAMPLE));
                part(violations, at + ".email.text", variant.email().text());
            }
            if (variant.sms() != null) {
                part(violations, at + ".sms.text", variant.sms().text());
            }
            if (variant.webhook() != null) {
                try {
                    json(render(variant.webhook().body(), Escaped.json(SAMPLE)));
                } catch (Failure e) {
                    violations.add(new Problem.Violation(at + ".webhook.body", e.getMessage()));
                }
            }
        });
        return violations;
    }

    private static void part(List<Problem.Violation> violations, String field, String source) {
        part(violations, field, source, SAMPLE);
    }

    private static void part(List<Problem.Violation> violations, String field, String source, Map<String, Object> sample) {
        try {
            render(source, sample);
        } catch (Failure e) {
            violations.add(new Problem.Violation(field, e.getMessage()));
        }
    }

    private static String describe(RuntimeException e) {
        Throwable cause = e;
        while (!(cause instanceof LiquidException) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof LiquidException liquid) {
            String message = String.valueOf(liquid.getMessage()).replaceFirst("^parser error ", "")
                    .replaceFirst(" on line \\d+, index \\d+$", "");
            return "line " + liquid.line + ", column " + (liquid.charPositionInLine + 1) + ": " + message;
        }
        // liqp names the line in the message of what it throws at render time ("error on line 2, index 5: ...").
        return String.valueOf(cause.getMessage()).replaceFirst("^error on line (\\d+), index (\\d+): ", "line $1: ");
    }
}
