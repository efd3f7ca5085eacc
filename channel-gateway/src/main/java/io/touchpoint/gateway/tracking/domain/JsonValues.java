package io.touchpoint.gateway.tracking.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a parsed JSON object into the plain maps, lists, strings, numbers and booleans an
 * {@link io.touchpoint.contracts.events.Interaction} carries, the same ones
 * {@code mapper.convertValue(node, LinkedHashMap.class)} gives. Converting through the mapper
 * writes the tree out as tokens and reads them back; walking it directly costs a fraction of that,
 * several times per message (properties, traits, context, integrations).
 *
 * <p>The walk also checks every string and member name it copies ({@link StorableText}): it stops at
 * the first one that cannot be stored with {@link UnstorableText}, and the caller names them all.
 */
final class JsonValues {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper;
    /** The walk gives what the mapper gives by default; a mapper told to read numbers or arrays otherwise converts itself. */
    private final boolean walk;

    JsonValues(ObjectMapper mapper) {
        this.mapper = mapper;
        this.walk = !mapper.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                && !mapper.isEnabled(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                && !mapper.isEnabled(DeserializationFeature.USE_LONG_FOR_INTS)
                && !mapper.isEnabled(DeserializationFeature.USE_JAVA_ARRAY_FOR_JSON_ARRAY);
    }

    /**
     * Thrown by {@link #map} and {@link #putAll} at the first string or member name that cannot be
     * stored. Expected traffic, like a refusal, so without a stack trace; {@link StorableText#faults}
     * says where.
     */
    static final class UnstorableText extends RuntimeException {

        UnstorableText() {
            super("text that cannot be stored", null, false, false);
        }
    }

    /**
     * @return null for null
     * @throws UnstorableText when a string or member name in the object cannot be stored
     */
    Map<String, Object> map(ObjectNode node) {
        if (node == null) {
            return null;
        }
        if (!walk) {
            check(node);
            return mapper.convertValue(node, MAP);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        putAll(map, node);
        return map;
    }

    /**
     * Puts every member of the object into the map, replacing what the map had under the same names.
     *
     * @throws UnstorableText when a string or member name in the object cannot be stored; the map may
     *                        then hold some of the members
     */
    void putAll(Map<String, Object> map, ObjectNode node) {
        if (!walk) {
            check(node);
            map.putAll(mapper.convertValue(node, MAP));
            return;
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            String name = member.getKey();
            if (StorableText.firstUnstorable(name) >= 0) {
                throw new UnstorableText();
            }
            map.put(name, value(member.getValue()));
        }
    }

    private static void check(JsonNode node) {
        if (!StorableText.storable(node)) {
            throw new UnstorableText();
        }
    }

    private Object value(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                putAll(map, (ObjectNode) node);
                return map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(value(element));
                }
                return list;
            }
            case STRING -> {
                String text = node.textValue();
                if (StorableText.firstUnstorable(text) >= 0) {
                    throw new UnstorableText();
                }
                return text;
            }
            // The node keeps the narrowest type the number fits (int, long, BigInteger; double), as the mapper does.
            case NUMBER -> {
                return node.numberValue();
            }
            case BOOLEAN -> {
                return node.booleanValue();
            }
            case NULL -> {
                return null;
            }
            default -> {
                // Not from parsed JSON (binary, POJO): whatever the mapper makes of it.
                return mapper.convertValue(node, Object.class);
            }
        }
    }
}
