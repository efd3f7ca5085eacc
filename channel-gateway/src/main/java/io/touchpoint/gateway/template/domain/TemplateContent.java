package io.touchpoint.gateway.template.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a template says, per locale and channel: email (subject, HTML, text), SMS (text), webhook
 * (the receiver's endpoint key and a JSON body). A
 * recipient's locale falls back along its tag ({@code fi-FI}, then {@code fi}), then to
 * {@code defaultLocale}.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateContent(String defaultLocale, Map<String, Variant> locales) {

    public TemplateContent {
        locales = locales == null ? Map.of() : new LinkedHashMap<>(locales);
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Variant(Email email, Sms sms, Webhook webhook) {

        public Variant(Email email, Sms sms) {
            this(email, sms, null);
        }
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Email(String subject, String html, String text) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sms(String text) {
    }

    /** A call to a partner: {@code endpoint} names a webhook endpoint, {@code body} is Liquid that renders JSON. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Webhook(String endpoint, String body) {
    }

    /** The locales tried for a recipient's locale, most specific first, each once. */
    public List<String> fallbackChain(String locale) {
        List<String> chain = new ArrayList<>();
        if (locale != null && !locale.isBlank()) {
            String tag = Locale.forLanguageTag(locale).toLanguageTag();
            while (!tag.isEmpty()) {
                add(chain, tag);
                int dash = tag.lastIndexOf('-');
                tag = dash < 0 ? "" : tag.substring(0, dash);
            }
        }
        add(chain, defaultLocale);
        return chain;
    }

    /** The variant for the first locale of the chain this template has (matched ignoring case). */
    public Map.Entry<String, Variant> variantFor(String locale) {
        for (String candidate : fallbackChain(locale)) {
            for (Map.Entry<String, Variant> entry : locales.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(candidate)) {
                    return entry;
                }
            }
        }
        return null;
    }

    private static void add(List<String> chain, String tag) {
        if (tag != null && chain.stream().noneMatch(t -> t.equalsIgnoreCase(tag))) {
            chain.add(tag);
        }
    }
}
