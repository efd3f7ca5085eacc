package io.touchpoint.gateway.tracking.domain;

import java.util.Map;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.touchpoint.platform.api.StoredText;

/**
 * Text that Touchpoint can store. PostgreSQL refuses U+0000 (NUL) in {@code text} and {@code jsonb},
 * and an unpaired UTF-16 surrogate is not Unicode at all (it reaches PostgreSQL as {@code ?}, or
 * breaks whatever encodes it next); JSON carries both as escapes ({@code \u0000}, {@code \ud800}).
 * A message holding either in anything it would publish is refused at the edge, with the JSON path
 * of every such string, instead of being accepted and then dead-lettered by the services that store it.
 *
 * <p>The characters are judged by the platform's {@link StoredText}, as on every other route; this
 * class walks the JSON trees of tracked messages.
 * {@link #firstUnstorable} is the check on the hot path: one pass over the characters of a string
 * the walk is already copying. {@link #faults} finds and names the offending fields, and runs only
 * once a message is known to hold one.
 */
public final class StorableText {

    /** A message with more faulty strings than this is told about the first ones only. */
    static final int MAX_FAULTS_REPORTED = 20;

    private StorableText() {
    }

    /** @return the index of the first NUL or unpaired surrogate in the text, or -1 when there is none */
    public static int firstUnstorable(String text) {
        return StoredText.firstUnstorable(text);
    }

    public static boolean storable(String text) {
        return StoredText.storable(text);
    }

    /** Why the text cannot be stored, e.g. {@code contains U+0000 (NUL)}; assumes {@code !storable(text)}. */
    public static String fault(String text) {
        return StoredText.fault(text);
    }

    /** The violation message for a string value at {@code path}. */
    public static String valueFault(String path, String text) {
        return StoredText.valueFault(path, text);
    }

    /** Whether every string value and member name in the tree can be stored. */
    static boolean storable(JsonNode node) {
        if (node.isTextual()) {
            return storable(node.textValue());
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (!storable(member.getKey()) || !storable(member.getValue())) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (!storable(element)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Reports each string value and member name in the tree that cannot be stored, in document order,
     * at most {@code limit} of them.
     *
     * @param path   the tree's own path, e.g. {@code properties}
     * @param report receives the JSON path of each fault ({@code properties.items[2].name},
     *               {@code traits["a\u0000b"]} for a member whose name is at fault) and its message
     * @return how many faults there are in all, reported or not
     */
    static int faults(JsonNode node, String path, int limit, BiConsumer<String, String> report) {
        return faults(node, path, limit, 0, report);
    }

    private static int faults(JsonNode node, String path, int limit, int found, BiConsumer<String, String> report) {
        if (node.isTextual()) {
            if (!storable(node.textValue())) {
                if (found < limit) {
                    report.accept(path, valueFault(path, node.textValue()));
                }
                found++;
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String memberPath = member(path, member.getKey());
                if (!storable(member.getKey())) {
                    if (found < limit) {
                        report.accept(memberPath, "the name of " + memberPath + " " + fault(member.getKey())
                                + ", which cannot be stored; send names without it");
                    }
                    found++;
                }
                found = faults(member.getValue(), memberPath, limit, found, report);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found = faults(node.get(i), path + "[" + i + "]", limit, found, report);
            }
        }
        return found;
    }

    /**
     * The path of a member: {@code parent.name} when the name is a plain word, else
     * {@code parent["name"]} with the name written as a JSON string whose NUL, surrogates and other
     * control characters are {@code \}{@code uXXXX} escapes, so the path itself is always storable text.
     */
    static String member(String parent, String name) {
        if (plain(name)) {
            return parent.isEmpty() ? name : parent + "." + name;
        }
        StringBuilder path = new StringBuilder(parent.length() + name.length() + 8).append(parent).append("[\"");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                path.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                path.append(String.format("\\u%04x", (int) c));
            } else {
                path.append(c);
            }
        }
        return path.append("\"]").toString();
    }

    private static boolean plain(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
