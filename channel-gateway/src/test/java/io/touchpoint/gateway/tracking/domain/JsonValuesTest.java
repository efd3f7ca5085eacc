package io.touchpoint.gateway.tracking.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The walk must give what the mapper's conversion gave, down to the Java type of every number. */
class JsonValuesTest {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private static final String JSON = """
            {"text": "é\\n\\"", "int": 42, "negative": -7, "long": 9000000000, "big": 123456789012345678901234567890,
             "double": 12.99, "exponent": 1e6, "tiny": 5e-324, "true": true, "false": false, "null": null,
             "empty": {}, "none": [], "nested": {"list": [1, "two", 3.0, [null, {"deep": {"er": [false]}}]], "n": 0},
             "repeated": 1, "repeated": "last wins"}""";

    @Test
    void givesWhatTheMapperGives() throws Exception {
        var mapper = new ObjectMapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(JSON);
        Map<String, Object> walked = new JsonValues(mapper).map(tree);
        Map<String, Object> converted = mapper.convertValue(tree, MAP);
        assertEquals(converted, walked);
        assertEquals(types(converted), types(walked));
        assertEquals(List.copyOf(converted.keySet()), List.copyOf(walked.keySet()));
        assertEquals(mapper.writeValueAsString(converted), mapper.writeValueAsString(walked));
        assertNull(new JsonValues(mapper).map(null));
    }

    @Test
    void putAllLaysMembersOverWhatIsThere() throws Exception {
        var mapper = new ObjectMapper();
        Map<String, Object> merged = new LinkedHashMap<>();
        var values = new JsonValues(mapper);
        values.putAll(merged, (ObjectNode) mapper.readTree("{\"ip\": \"1.2.3.4\", \"app\": {\"v\": 1}}"));
        values.putAll(merged, (ObjectNode) mapper.readTree("{\"app\": {\"w\": 2}, \"os\": \"x\"}"));
        assertEquals(Map.of("ip", "1.2.3.4", "app", Map.of("w", 2), "os", "x"), merged);
        assertEquals(List.of("ip", "app", "os"), List.copyOf(merged.keySet()));
    }

    @Test
    void aMapperToldToReadNumbersOtherwiseConvertsItself() throws Exception {
        var mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS,
                DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
        ObjectNode tree = (ObjectNode) mapper.readTree(JSON);
        Map<String, Object> converted = mapper.convertValue(tree, MAP);
        Map<String, Object> walked = new JsonValues(mapper).map(tree);
        assertEquals(converted, walked);
        assertEquals(types(converted), types(walked));
    }

    @Test
    void theWalkStopsAtTextThatCannotBeStoredInValuesNamesAndArraysWithEitherMapper() throws Exception {
        for (var mapper : List.of(new ObjectMapper(),
                new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS))) {
            var values = new JsonValues(mapper);
            for (String json : List.of("{\"a\": \"\\u0000\"}", "{\"a\": {\"b\": [1, [\"x\\ud800\"]]}}",
                    "{\"a\\u0000\": 1}", "{\"a\": [{\"\\u0000\": null}]}")) {
                ObjectNode tree = (ObjectNode) mapper.readTree(json);
                assertThrows(JsonValues.UnstorableText.class, () -> values.map(tree), json);
                assertThrows(JsonValues.UnstorableText.class, () -> values.putAll(new LinkedHashMap<>(), tree), json);
            }
            ObjectNode fine = (ObjectNode) mapper.readTree("{\"\\ud83d\\ude00\": [\"\\u0001\", \"\\uffff\"]}");
            assertEquals(Map.of("\uD83D\uDE00", List.of("\u0001", "\uFFFF")), values.map(fine));
        }
    }

    /** The same structure with every leaf replaced by its class name. */
    private static Object types(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> types = new LinkedHashMap<>();
            map.forEach((k, v) -> types.put(k, types(v)));
            return List.of(map.getClass().getName(), types);
        }
        if (value instanceof List<?> list) {
            return List.of(list.getClass().getName(), list.stream().map(JsonValuesTest::types).toList());
        }
        return value == null ? "null" : value.getClass().getName();
    }
}
