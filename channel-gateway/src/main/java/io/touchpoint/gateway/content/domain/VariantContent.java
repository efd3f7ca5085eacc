package io.touchpoint.gateway.content.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.gateway.template.domain.Liquid;

/**
 * A variant's content prepared for the request path: content without Liquid markup is written as
 * JSON once, at publication, and copied into every answer as it is; content with markup keeps each
 * template parsed ({@link Liquid.Shared}) and is rendered per request against the visit and the
 * visitor's data.
 */
public sealed interface VariantContent {

    ObjectMapper MAPPER = new ObjectMapper();

    /** Whether rendering reads the request's data; static content does not. */
    boolean personal();

    /** The content as a JSON value (a string for HTML), rendered for {@code data}. */
    String json(Map<String, Object> data);

    /** Content that is the same for everyone, as JSON. */
    record Static(String json) implements VariantContent {
        @Override
        public boolean personal() {
            return false;
        }

        @Override
        public String json(Map<String, Object> data) {
            return json;
        }
    }

    /** HTML with markup: every value it renders is HTML-escaped ({@code | raw} vouches for one). */
    record Html(Liquid.Shared template) implements VariantContent {
        @Override
        public boolean personal() {
            return true;
        }

        @Override
        public String json(Map<String, Object> data) {
            return quote(template.render(Liquid.htmlEscaped(data)));
        }
    }

    /** A JSON value whose strings with markup are templates (rendered as text, not escaped: a page inserts them as it sees fit). */
    record Json(Object tree) implements VariantContent {
        @Override
        public boolean personal() {
            return true;
        }

        @Override
        public String json(Map<String, Object> data) {
            try {
                return MAPPER.writeValueAsString(render(tree, data));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Object render(Object node, Map<String, Object> data) {
            if (node instanceof Liquid.Shared template) {
                return template.render(data);
            }
            if (node instanceof Map<?, ?> map) {
                Map<Object, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(k, render(v, data)));
                return out;
            }
            if (node instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                list.forEach(item -> out.add(render(item, data)));
                return out;
            }
            return node;
        }
    }

    static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    /** A JSON value written by {@link #json} read back as plain maps, lists and values. */
    public static Object read(String json) {
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
