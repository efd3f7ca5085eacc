package io.touchpoint.gateway.template.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template's data with every string HTML-escaped, for the HTML part of an email. Escaping the
 * values rather than the output keeps the template's own markup as written and still lets filters
 * ({@code upcase}, {@code default}, {@code contains}) work on the values.
 */
final class Escaped {

    private Escaped() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> html(Map<String, ?> data) {
        Map<String, Object> escaped = new LinkedHashMap<>();
        data.forEach((key, value) -> escaped.put(key, value(value)));
        return escaped;
    }

    @SuppressWarnings("unchecked")
    private static Object value(Object value) {
        if (value instanceof String text) {
            return text(text);
        }
        if (value instanceof Map<?, ?> map) {
            return html((Map<String, ?>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> escaped = new ArrayList<>(list.size());
            list.forEach(item -> escaped.add(value(item)));
            return escaped;
        }
        return value;
    }

    static String text(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String entity = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (entity == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(entity);
        }
        return out == null ? text : out.toString();
    }
}
