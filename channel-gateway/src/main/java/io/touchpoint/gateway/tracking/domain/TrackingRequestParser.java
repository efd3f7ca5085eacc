package io.touchpoint.gateway.tracking.domain;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.tracking.domain.IngestionRejected.Reason;

/**
 * Reads the JSON of a tracking call, whatever content type it came with: browsers send it as
 * text/plain (sendBeacon and CORS-simple requests), some SDKs send none. Only the envelope is
 * checked here (its shape, and that its context and integrations hold only text that can be stored);
 * messages are judged one by one by {@link MessageValidator}.
 */
public class TrackingRequestParser {

    private final ObjectMapper mapper;
    private final ObjectReader reader;
    /** For the values inside a body: the trailing-token check of {@link #reader} is for the body as a whole. */
    private final ObjectReader valueReader;
    private final ObjectWriter compactWriter;
    /**
     * Whether the bytes a message took in the body bound its compact size (see {@link #size}): not
     * when the mapper reads non-standard JSON (unquoted names, raw control characters) or writes
     * numbers or text longer than they came.
     */
    private final boolean rawBytesBoundCompactSize;

    public TrackingRequestParser(ObjectMapper mapper) {
        this.mapper = mapper;
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.valueReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.compactWriter = mapper.writer();
        this.rawBytesBoundCompactSize = !mapper.isEnabled(SerializationFeature.INDENT_OUTPUT)
                && !mapper.isEnabled(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                && !mapper.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                && !mapper.isEnabled(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES.mappedFeature())
                && !mapper.isEnabled(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS.mappedFeature())
                && !mapper.isEnabled(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature())
                && !mapper.isEnabled(JsonReadFeature.ALLOW_MISSING_VALUES.mappedFeature())
                && !mapper.isEnabled(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature())
                && !mapper.isEnabled(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                && mapper.getFactory().getCharacterEscapes() == null;
    }

    /** @param impliedType the route's type, or null for /v1/batch and /v1/import */
    public TrackingRequest parse(byte[] json, MessageType impliedType) {
        if (impliedType != null) {
            JsonNode root = read(json);
            return new TrackingRequest(impliedType, writeKey(root),
                    List.of(new TrackingRequest.Item(root, size(root, json.length))), null, null, null);
        }
        Batch parsed = readBatch(json);
        ObjectNode root = parsed.root();
        List<Problem.Violation> violations = new ArrayList<>();
        JsonNode batch = root.get("batch");
        if (batch == null || !batch.isArray()) {
            violations.add(new Problem.Violation("batch", "batch must be an array of messages"));
        }
        Instant sentAt = null;
        JsonNode sentAtNode = root.get("sentAt");
        if (sentAtNode != null && !sentAtNode.isNull()) {
            sentAt = sentAtNode.isTextual() ? Timestamps.parse(sentAtNode.asText()) : null;
            if (sentAt == null) {
                violations.add(new Problem.Violation("sentAt", "sentAt must be an ISO-8601 date-time"));
            }
        }
        ObjectNode context = envelopeObject(root, "context", violations);
        ObjectNode integrations = envelopeObject(root, "integrations", violations);
        // What lies under every message must be storable as much as the messages themselves; the
        // messages are checked one by one (MessageValidator), the envelope once, here.
        storable(context, "context", violations);
        storable(integrations, "integrations", violations);
        if (!violations.isEmpty()) {
            throw new IngestionRejected(Reason.INVALID, "The batch envelope is not valid; no message was accepted.",
                    violations, null);
        }
        List<TrackingRequest.Item> items = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            JsonNode message = batch.get(i);
            items.add(new TrackingRequest.Item(message, size(message, parsed.rawBytes(i))));
        }
        return new TrackingRequest(null, writeKey(root), items, sentAt, context, integrations);
    }

    private static String writeKey(JsonNode root) {
        return root.path("writeKey").isTextual() ? blankToNull(root.get("writeKey").asText()) : null;
    }

    /**
     * A batch body as a tree, with how many bytes each message of its batch array took in the body.
     *
     * @param rawBytes per message of the root's batch array, or null when unknown
     */
    private record Batch(ObjectNode root, int[] rawBytes) {

        int rawBytes(int index) {
            return rawBytes == null ? UNKNOWN : rawBytes[index];
        }
    }

    private static final int UNKNOWN = -1;

    /**
     * Reads the body the way {@link #read} does, value by value, to learn where each message of
     * the batch starts and ends. Anything out of the ordinary (not an object, not JSON, trailing
     * content) is left to {@link #read}, so that its answer stays exactly the same.
     */
    private Batch readBatch(byte[] json) {
        if (!rawBytesBoundCompactSize) {
            return new Batch((ObjectNode) read(json), null);
        }
        try (JsonParser parser = valueReader.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Batch((ObjectNode) read(json), null);
            }
            ObjectNode root = mapper.getNodeFactory().objectNode();
            int[] rawBytes = null;
            String field;
            while ((field = parser.nextFieldName()) != null) {
                JsonToken value = parser.nextToken();
                if (field.equals("batch") && value == JsonToken.START_ARRAY) {
                    ArrayNode batch = mapper.getNodeFactory().arrayNode();
                    rawBytes = new int[16];
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        long start = parser.currentTokenLocation().getByteOffset();
                        batch.add((JsonNode) valueReader.readTree(parser));
                        long end = parser.currentLocation().getByteOffset();
                        if (batch.size() > rawBytes.length) {
                            rawBytes = Arrays.copyOf(rawBytes, rawBytes.length * 2);
                        }
                        rawBytes[batch.size() - 1] = start < 0 || end < start ? UNKNOWN : (int) (end - start);
                    }
                    root.set(field, batch);
                } else {
                    // The last of repeated members wins, as when reading the whole body at once.
                    root.set(field, (JsonNode) valueReader.readTree(parser));
                    if (field.equals("batch")) {
                        rawBytes = null;
                    }
                }
            }
            if (parser.nextToken() != null) {
                return new Batch((ObjectNode) read(json), null);
            }
            return new Batch(root, rawBytes);
        } catch (IOException e) {
            // read() reports it (as it would have had it read the body at once).
            return new Batch((ObjectNode) read(json), null);
        }
    }

    private JsonNode read(byte[] json) {
        JsonNode root;
        try {
            root = json.length == 0 ? null : reader.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IngestionRejected(Reason.INVALID, "The body is not valid JSON" + where + ": "
                    + e.getOriginalMessage(), null, null);
        } catch (IOException e) {
            throw new IngestionRejected(Reason.INVALID, "The body could not be read: " + e.getMessage(), null, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IngestionRejected(Reason.INVALID, "The body is empty; a JSON object is expected.");
        }
        if (!root.isObject()) {
            throw new IngestionRejected(Reason.INVALID, "The body must be a JSON object.");
        }
        return root;
    }

    /**
     * Compact size: the same message must not pass or fail depending on how it was indented.
     * Serializing every message to measure it costs as much as validating it, so it is measured
     * only when the bytes it took in the body do not already prove it within the limit: compact
     * JSON never takes more than three times the bytes of the JSON it was read from (whitespace,
     * escapes and duplicate members only shrink; a number may grow, at most from 1e6 to 1000000.0).
     *
     * @param rawBytes the bytes the message took in the body, or {@link #UNKNOWN}
     * @return the compact size when it is over the limit; otherwise a figure within the limit
     */
    private int size(JsonNode message, int rawBytes) {
        if (rawBytesBoundCompactSize && rawBytes >= 0
                && (long) rawBytes * MAX_COMPACT_GROWTH <= TrackingLimits.MAX_MESSAGE_BYTES) {
            return rawBytes;
        }
        return compactSize(message);
    }

    /** The bound above holds for standard JSON written in the standard way; see {@link #rawBytesBoundCompactSize}. */
    private static final int MAX_COMPACT_GROWTH = 3;

    int compactSize(JsonNode message) {
        var counter = new ByteCounter();
        try {
            compactWriter.writeValue(counter, message);
        } catch (IOException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
        return (int) Math.min(Integer.MAX_VALUE, counter.count);
    }

    /** Counts what is written without keeping it. */
    private static final class ByteCounter extends OutputStream {

        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private static ObjectNode envelopeObject(JsonNode root, String field, List<Problem.Violation> violations) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(new Problem.Violation(field, field + " must be a JSON object"));
            return null;
        }
        return (ObjectNode) node;
    }

    private static void storable(ObjectNode node, String field, List<Problem.Violation> violations) {
        if (node == null || StorableText.storable(node)) {
            return;
        }
        int limit = StorableText.MAX_FAULTS_REPORTED;
        int faults = StorableText.faults(node, field, limit, (path, message) -> violations.add(new Problem.Violation(path,
                message)));
        if (faults > limit) {
            violations.add(new Problem.Violation(field, (faults - limit)
                    + " more strings or member names of " + field + " cannot be stored either"));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
