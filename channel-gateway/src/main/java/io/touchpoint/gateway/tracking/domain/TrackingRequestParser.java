package io.touchpoint.gateway.tracking.domain;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.contracts.Problem;
import io.touchpoint.gateway.tracking.domain.IngestionRejected.Reason;

/**
 * Reads the JSON of a tracking call, whatever content type it came with: browsers send it as
 * text/plain (sendBeacon and CORS-simple requests), some SDKs send none. Only the envelope is
 * checked here; messages are judged one by one by {@link MessageValidator}.
 */
public class TrackingRequestParser {

    private final ObjectMapper mapper;
    private final ObjectReader reader;

    public TrackingRequestParser(ObjectMapper mapper) {
        this.mapper = mapper;
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** @param impliedType the route's type, or null for /v1/batch and /v1/import */
    public TrackingRequest parse(byte[] json, MessageType impliedType) {
        JsonNode root = read(json);
        String writeKey = root.path("writeKey").isTextual() ? blankToNull(root.get("writeKey").asText()) : null;
        if (impliedType != null) {
            return new TrackingRequest(impliedType, writeKey, List.of(new TrackingRequest.Item(root, size(root))),
                    null, null, null);
        }
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
        if (!violations.isEmpty()) {
            throw new IngestionRejected(Reason.INVALID, "The batch envelope is not valid; no message was accepted.",
                    violations, null);
        }
        List<TrackingRequest.Item> items = new ArrayList<>(batch.size());
        for (JsonNode message : batch) {
            items.add(new TrackingRequest.Item(message, size(message)));
        }
        return new TrackingRequest(null, writeKey, items, sentAt, context, integrations);
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

    /** Compact size: the same message must not pass or fail depending on how it was indented. */
    private int size(JsonNode message) {
        try {
            return mapper.writeValueAsBytes(message).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
