package io.touchpoint.gateway.tracking.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The per-message limit is on compact JSON, whatever the indentation it came with, and messages
 * are measured exactly only when the bytes they took cannot prove them within it: these pin that
 * shortcut to the exact rule, at the boundary and where compact JSON is longer than the original.
 */
class TrackingRequestParserTest {

    private static final int LIMIT = TrackingLimits.MAX_MESSAGE_BYTES;

    private final ObjectMapper mapper = new ObjectMapper();
    private final TrackingRequestParser parser = new TrackingRequestParser(mapper);

    @Test
    void aMessageOfExactlyTheLimitPassesAndOneByteMoreDoesNotIndentedOrCompact() throws Exception {
        for (String indent : List.of("", "\n    ", " ".repeat(200))) {
            String atLimit = messageOfCompactSize(LIMIT, indent);
            String overLimit = messageOfCompactSize(LIMIT + 1, indent);
            assertEquals(LIMIT, compactSize(atLimit));
            assertEquals(LIMIT + 1, compactSize(overLimit));

            List<TrackingRequest.Item> items = batchItems("[" + atLimit + ",\n" + overLimit + "]");
            assertTrue(items.get(0).bytes() <= LIMIT, "indent '" + indent.length() + "': at the limit passes");
            assertEquals(LIMIT + 1, items.get(1).bytes(), "indent '" + indent.length() + "': over it is measured exactly");

            assertTrue(single(atLimit).bytes() <= LIMIT);
            assertEquals(LIMIT + 1, single(overLimit).bytes());
        }
    }

    @Test
    void whitespaceDoesNotCountButNumbersCountAsTheyAreWrittenOut() throws Exception {
        // 40 KB in the body, 20 KB compact: within the limit.
        String airy = messageOfCompactSize(20_000, " ".repeat(3_000));
        assertTrue(airy.getBytes(StandardCharsets.UTF_8).length > 40_000);
        assertTrue(batchItems("[" + airy + "]").get(0).bytes() <= LIMIT);

        // 1e6 is written out as 1000000.0: 15 KB in the body, more than 32 KB compact.
        StringBuilder numbers = new StringBuilder("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"n\":[");
        for (int i = 0; i < 3_700; i++) {
            numbers.append(i == 0 ? "" : ",").append("1e6");
        }
        String grown = numbers.append("]}}").toString();
        assertTrue(grown.length() < LIMIT / 2);
        int compact = compactSize(grown);
        assertTrue(compact > LIMIT);
        assertEquals(compact, batchItems("[" + grown + "]").get(0).bytes());
        assertEquals(compact, single(grown).bytes());
    }

    @Test
    void anyMessageIsOverTheLimitExactlyWhenItsCompactJsonIs() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 80; round++) {
            List<String> messages = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                messages.add(randomMessage(random));
            }
            List<TrackingRequest.Item> items = batchItems("[" + String.join(" ,\n", messages) + "]");
            for (int m = 0; m < messages.size(); m++) {
                int compact = compactSize(messages.get(m));
                int bytes = items.get(m).bytes();
                if (compact > LIMIT) {
                    assertEquals(compact, bytes, messages.get(m).length() + " bytes, round " + round);
                } else {
                    assertTrue(bytes <= LIMIT, "within the limit, round " + round);
                }
            }
        }
    }

    @Test
    void theBatchReadsAsTheWholeBodyWouldRepeatedMembersIncluded() throws Exception {
        String body = """
                { "writeKey": " wk ", "batch": [{"type":"track","event":"first"}],
                  "context": {"a": 1, "a": [1, 2.5, null, true, {"b": "c"}]},
                  "batch": [ {"type":"track","event":"x","event":"y"}, 7, "text", null, [], {} ],
                  "sentAt": "2031-01-01T00:00:00Z" }""";
        TrackingRequest request = parser.parse(body.getBytes(StandardCharsets.UTF_8), null);
        JsonNode whole = mapper.readTree(body);
        assertEquals("wk", request.writeKey());
        assertEquals(whole.get("context"), request.context());
        List<JsonNode> messages = request.items().stream().map(TrackingRequest.Item::message).toList();
        List<JsonNode> expected = new ArrayList<>();
        whole.get("batch").forEach(expected::add);
        assertEquals(expected, messages);
    }

    @Test
    void brokenBodiesAreAnsweredAsBefore() {
        assertEquals("The body is not valid JSON at line 1, column 30: Unexpected character ('}' (code 125)): "
                + "was expecting double-quote to start field name", rejection("{\"batch\": [{\"type\": \"track\", }]}"));
        assertTrue(rejection("{\"batch\": []} {}").startsWith("The body is not valid JSON at line 1, column 15: Trailing token"),
                rejection("{\"batch\": []} {}"));
        assertTrue(rejection("{\"batch\": [").startsWith("The body is not valid JSON at line 1, column 12: Unexpected end-of-input"),
                rejection("{\"batch\": ["));
        assertEquals("The body must be a JSON object.", rejection("[{\"type\": \"track\"}]"));
        assertEquals("The body is empty; a JSON object is expected.", rejection(""));
        assertEquals("batch must be an array of messages", assertThrows(IngestionRejected.class,
                () -> parser.parse("{\"batch\": [], \"batch\": {}}".getBytes(StandardCharsets.UTF_8), null))
                .errors().get(0).message());
    }

    @Test
    void aMapperThatReadsNumbersOtherwiseStillMeasuresEveryMessage() throws Exception {
        var decimals = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        String grown = "{\"type\":\"track\",\"n\":1e6}";
        TrackingRequest request = new TrackingRequestParser(decimals).parse(("{\"batch\":[" + grown + "]}")
                .getBytes(StandardCharsets.UTF_8), null);
        assertEquals(decimals.writeValueAsBytes(decimals.readTree(grown)).length, request.items().get(0).bytes());
    }

    private String rejection(String body) {
        return assertThrows(IngestionRejected.class, () -> parser.parse(body.getBytes(StandardCharsets.UTF_8), null))
                .getMessage();
    }

    private List<TrackingRequest.Item> batchItems(String batchArray) {
        return parser.parse(("{\"writeKey\": \"wk\", \"batch\": " + batchArray + "}").getBytes(StandardCharsets.UTF_8),
                null).items();
    }

    private TrackingRequest.Item single(String message) {
        return parser.parse(message.getBytes(StandardCharsets.UTF_8), MessageType.TRACK).items().get(0);
    }

    private int compactSize(String json) throws Exception {
        return mapper.writeValueAsBytes(mapper.readTree(json)).length;
    }

    /** A message whose compact JSON is exactly {@code size} bytes, with {@code indent} between its members. */
    private String messageOfCompactSize(int size, String indent) throws Exception {
        String head = "{" + indent + "\"type\": \"track\"," + indent + "\"userId\": \"u-1\"," + indent
                + "\"event\": \"Big\"," + indent + "\"properties\": {" + indent + "\"blob\": \"";
        String tail = "\"" + indent + "}" + indent + "}";
        int fixed = compactSize(head + tail);
        return head + "é".repeat((size - fixed) / 2) + "x".repeat((size - fixed) % 2) + tail;
    }

    /** Messages of all sizes around the limit, of text, escapes, numbers that grow and whitespace. */
    private static String randomMessage(Random random) {
        int target = LIMIT / 4 + random.nextInt(LIMIT * 2);
        String pad = " ".repeat(random.nextInt(3) * random.nextInt(8));
        StringBuilder json = new StringBuilder("{" + pad + "\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\","
                + "\"properties\":{");
        int member = 0;
        while (json.length() < target) {
            json.append(member == 0 ? "" : ",").append(pad).append("\"p").append(member++).append("\":").append(pad);
            switch (random.nextInt(5)) {
                case 0 -> json.append("\"").append("ab\\n\\u00e9\\\"".repeat(1 + random.nextInt(40))).append("\"");
                case 1 -> json.append("[1e6,2E7,0.5e-9,-1e6,12.99,10000000.0]");
                case 2 -> json.append(random.nextLong());
                case 3 -> json.append("{\"x\": [true, false, null], \"y\": \"").append("z".repeat(random.nextInt(500)))
                        .append("\"}");
                default -> json.append(random.nextDouble() * Math.pow(10, random.nextInt(30) - 15));
            }
        }
        return json.append(pad).append("}}").toString();
    }
}
