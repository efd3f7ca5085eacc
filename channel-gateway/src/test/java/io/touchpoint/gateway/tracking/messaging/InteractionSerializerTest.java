package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.events.Interaction;

/**
 * The hand-written interaction JSON is the contract mapper's, byte for byte: the same member order,
 * nulls left out of the record and of maps at any depth but kept in lists, numbers and strings
 * written alike.
 */
class InteractionSerializerTest {

    private static final String[] WORDS = { "revenue", "plan", "", "ünïcödé", "quote\"and\\slash", "tab\tnew\nline",
            "\u0001ctl", "emoji \uD83D\uDE00", "</script>", "a b" };

    private final InteractionSerializer serializer = new InteractionSerializer();

    private String ours(Interaction interaction) {
        return new String(serializer.serialize("touchpoint.interactions.v1", interaction), StandardCharsets.UTF_8);
    }

    private static String contract(Interaction interaction) {
        return new String(EventJson.write(interaction), StandardCharsets.UTF_8);
    }

    @Test
    void randomInteractionsAreWrittenAsTheContractWritesThem() {
        Random random = new Random(29);
        for (int round = 0; round < 5_000; round++) {
            Interaction interaction = new Interaction(text(random), text(random), text(random), text(random), text(random),
                    text(random), text(random), text(random), text(random), text(random), map(random, 0), map(random, 0),
                    map(random, 0), map(random, 0), instant(random), instant(random), instant(random), instant(random));
            assertEquals(contract(interaction), ours(interaction), "round " + round);
        }
    }

    @Test
    void valuesAsTheRequestParserMakesThemAreWrittenAsTheContractWritesThem() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode node = mapper.readTree("""
                {"int": 7, "negative": -3, "long": 12345678901234, "big": 123456789012345678901234567890,
                 "double": 12.99, "exp": 1e6, "tiny": 1.5e-12, "zero": 0.0, "true": true, "false": false, "null": null,
                 "text": "caf\\u00e9 \\"quoted\\"", "list": [1, "two", null, {"three": [3.0]}], "empty": {}, "none": []}""");
        // What the request parser's JsonValues gives, which is what the mapper's conversion gives.
        @SuppressWarnings("unchecked")
        Map<String, Object> values = mapper.convertValue(node, LinkedHashMap.class);
        Interaction interaction = new Interaction("m", "s", "track", "u", null, null, null, "Order Completed", null, null,
                values, values, values, Map.of("All", true), Instant.parse("2031-01-01T10:00:00.120Z"), null, null,
                Instant.parse("2031-01-01T10:00:00Z"));
        assertEquals(contract(interaction), ours(interaction));
    }

    @Test
    void valuesTheParserNeverMakesGoThroughTheMapper() {
        Map<String, Object> odd = new LinkedHashMap<>();
        odd.put("float", 1.25f);
        odd.put("short", (short) 3);
        odd.put("array", new int[] { 1, 2 });
        odd.put("keys", new HashMap<>(Map.of(1, "one")));
        odd.put("instant", Instant.parse("2031-01-01T10:00:00Z"));
        Interaction interaction = new Interaction("m", "s", "track", "u", null, null, null, "E", null, null, odd, null, null,
                null, null, null, null, null);
        assertEquals(contract(interaction), ours(interaction));
    }

    private static String text(Random random) {
        return random.nextInt(3) == 0 ? null : WORDS[random.nextInt(WORDS.length)] + random.nextInt(100);
    }

    private static Instant instant(Random random) {
        if (random.nextInt(4) == 0) {
            return null;
        }
        int nano = switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), nano);
    }

    private static Map<String, Object> map(Random random, int depth) {
        if (depth == 0 && random.nextInt(4) == 0) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        int size = random.nextInt(depth == 0 ? 6 : 3);
        for (int i = 0; i < size; i++) {
            map.put(WORDS[random.nextInt(WORDS.length)] + i, value(random, depth + 1));
        }
        return map;
    }

    private static Object value(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 8 : 10);
        return switch (kind) {
            case 0 -> null;
            case 1 -> WORDS[random.nextInt(WORDS.length)];
            case 2 -> random.nextInt();
            case 3 -> random.nextLong();
            case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
            case 5 -> random.nextBoolean();
            case 6 -> new BigInteger(100, random);
            case 7 -> new BigDecimal(new BigInteger(60, random), random.nextInt(10));
            case 8 -> map(random, depth);
            default -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(random, depth + 1));
                }
                yield random.nextBoolean() ? list : Arrays.asList(list.toArray());
            }
        };
    }
}
