package io.touchpoint.gateway.template.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template's data with every string HTML-escaped, for the HTML part of an email, or escaped for a
 * JSON string, for a webhook's body. Escaping the values rather than the output keeps the
 * template's own markup as written and still lets filters ({@code upcase}, {@code default},
 * {@code contains}) work on the values.
 */
final class Escaped {

    private Escaped() {
    }

    static Map<String, Object> html(Map<String, ?> data) {
        return map(data, Escaped::text);
    }

    /** For values written inside JSON strings: {@code "name": "{{ profile.firstName }}"} stays JSON whatever the name. */
    static Map<String, Object> json(Map<String, ?> data) {
        return map(data, Escaped::jsonText);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, ?> data, java.util.function.UnaryOperator<String> escape) {
        Map<String, Object> escaped = new LinkedHashMap<>();
        data.forEach((key, value) -> escaped.put(key, value(value, escape)));
        return escaped;
    }

    @SuppressWarnings("unchecked")
    private static Object value(Object value, java.util.function.UnaryOperator<String> escape) {
        if (value instanceof String text) {
            return escape.apply(text);
        }
        if (value instanceof Map<?, ?> map) {
            return map((Map<String, ?>) map, escape);
        }
        if (value instanceof List<?> list) {
            List<Object> escaped = new ArrayList<>(list.size());
            list.forEach(item -> escaped.add(value(item, escape)));
            return escaped;
        }
        return value;
    }

    static String jsonText(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
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
