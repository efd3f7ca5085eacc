package io.touchpoint.gateway.tracking.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.events.Interaction;

/**
 * Judges one message of a call against the Segment spec and turns it into the {@link Interaction}
 * the rest of Touchpoint consumes. Every fault of the message is reported at once, each under the
 * field it concerns ({@code batch[3].userId}), so a client can fix them in one go.
 */
public class MessageValidator {

    /**
     * What the request as a whole contributes to each of its messages.
     *
     * @param clientIp     the caller's address, for messages whose context has no ip
     * @param sentAt       the batch's sentAt, which wins over a message's own
     * @param context      the batch's context, under each message's own
     * @param integrations the batch's integrations, under each message's own
     */
    public record Envelope(String sourceId, Instant receivedAt, String clientIp, Instant sentAt, ObjectNode context,
            ObjectNode integrations) {
    }

    public sealed interface Outcome permits Accepted, Rejected {
    }

    public record Accepted(Interaction interaction) implements Outcome {
    }

    public record Rejected(List<Problem.Violation> violations) implements Outcome {
    }

    private final JsonValues values;

    public MessageValidator(ObjectMapper mapper) {
        this.values = new JsonValues(mapper);
    }

    /**
     * @param index       the message's place in the batch, or -1 for a single call
     * @param impliedType the route's type, or null when the message must name its own
     */
    public Outcome validate(TrackingRequest.Item item, int index, MessageType impliedType, Envelope envelope) {
        JsonNode node = item.message();
        if (!node.isObject()) {
            return new Rejected(List.of(new Problem.Violation(self(index), "a message must be a JSON object")));
        }
        Fields fields = new Fields(node, index);
        String messageId = fields.id("messageId");
        if (messageId != null && messageId.length() > TrackingLimits.MAX_MESSAGE_ID_LENGTH) {
            fields.violation("messageId", "messageId is longer than " + TrackingLimits.MAX_MESSAGE_ID_LENGTH
                    + " characters");
        }
        if (item.bytes() > TrackingLimits.MAX_MESSAGE_BYTES) {
            return new Rejected(List.of(new Problem.Violation(self(index), "the message is " + item.bytes()
                    + " bytes of JSON; the limit is " + TrackingLimits.MAX_MESSAGE_BYTES + suffix(messageId))));
        }

        MessageType type = impliedType != null ? impliedType : fields.type();
        String userId = fields.id("userId");
        String anonymousId = fields.id("anonymousId");
        String previousId = fields.id("previousId");
        String groupId = fields.id("groupId");
        String event = fields.text("event");
        String name = fields.text("name");
        String category = fields.text("category");
        if (type == MessageType.ALIAS) {
            if (userId == null) {
                fields.violation("userId", "userId is required for an alias call");
            }
            if (previousId == null) {
                fields.violation("previousId", "previousId is required for an alias call");
            }
        } else if (userId == null && anonymousId == null) {
            fields.violation("userId", "userId or anonymousId is required");
        }
        if (type == MessageType.TRACK && event == null) {
            fields.violation("event", "event is required for a track call");
        }
        if (type == MessageType.GROUP && groupId == null) {
            fields.violation("groupId", "groupId is required for a group call");
        }
        Instant timestamp = fields.instant("timestamp");
        Instant originalTimestamp = fields.instant("originalTimestamp");
        Instant messageSentAt = fields.instant("sentAt");
        ObjectNode properties = fields.object("properties");
        ObjectNode traits = fields.object("traits");
        ObjectNode context = fields.object("context");
        ObjectNode integrations = fields.object("integrations");

        // Copying the objects checks every string and member name in them; only a message holding
        // text that cannot be stored is walked again, to name each such field.
        Map<String, Object> propertyValues = null;
        Map<String, Object> traitValues = null;
        Map<String, Object> mergedContext = null;
        Map<String, Object> mergedIntegrations = null;
        try {
            propertyValues = values.map(properties);
            traitValues = values.map(traits);
            mergedContext = merge(envelope.context(), context);
            mergedIntegrations = merge(envelope.integrations(), integrations);
        } catch (JsonValues.UnstorableText e) {
            int before = fields.violations.size();
            fields.unstorable(properties, "properties");
            fields.unstorable(traits, "traits");
            fields.unstorable(context, "context");
            fields.unstorable(integrations, "integrations");
            if (fields.violations.size() == before) {
                // In the batch's context or integrations: TrackingRequestParser refuses such a batch
                // whole, so only an envelope made elsewhere gets here.
                fields.violation("context", "the batch's context or integrations hold text that cannot be stored");
            }
        }
        fields.unstorableBeyondLimit();

        if (!fields.violations.isEmpty()) {
            String suffix = suffix(messageId);
            return new Rejected(fields.violations.stream()
                    .map(v -> new Problem.Violation(v.field(), v.message() + suffix)).toList());
        }

        Instant sentAt = envelope.sentAt() != null ? envelope.sentAt() : messageSentAt;
        Instant clientTimestamp = originalTimestamp != null ? originalTimestamp : timestamp;
        Object ip = mergedContext.get("ip");
        if (envelope.clientIp() != null && (ip == null || ip.toString().isBlank())) {
            mergedContext.put("ip", envelope.clientIp());
        }
        return new Accepted(new Interaction(
                messageId != null ? messageId : UUID.randomUUID().toString(),
                envelope.sourceId(), type.wire(), userId, anonymousId, previousId, groupId, event, name, category,
                propertyValues, traitValues, mergedContext, mergedIntegrations.isEmpty() ? null : mergedIntegrations,
                ClockSkew.correct(envelope.receivedAt(), sentAt, clientTimestamp), clientTimestamp, sentAt,
                envelope.receivedAt()));
    }

    /** Where a fault of the message as a whole is reported. */
    private static String self(int index) {
        return index < 0 ? "body" : "batch[" + index + "]";
    }

    private static String suffix(String messageId) {
        return messageId == null ? "" : " (messageId " + messageId + ")";
    }

    private Map<String, Object> merge(ObjectNode under, ObjectNode over) {
        Map<String, Object> merged = new LinkedHashMap<>();
        if (under != null) {
            values.putAll(merged, under);
        }
        if (over != null) {
            values.putAll(merged, over);
        }
        return merged;
    }

    /** Reads typed fields of one message, collecting a violation for each that has the wrong shape. */
    private static final class Fields {

        private final JsonNode node;
        /** The message's place in the batch, or -1; named in violations only, so not spelled out before one. */
        private final int index;
        final List<Problem.Violation> violations = new ArrayList<>();
        /** How many strings and member names of the message cannot be stored. */
        int unstorable;

        Fields(JsonNode node, int index) {
            this.node = node;
            this.index = index;
        }

        void violation(String field, String message) {
            violations.add(new Problem.Violation(index < 0 ? field : self(index) + "." + field, message));
        }

        /** A top-level text field that cannot be stored; past the limit, only counted. */
        private void unstorableText(String field, String text) {
            if (unstorable++ < StorableText.MAX_FAULTS_REPORTED) {
                violation(field, StorableText.valueFault(field, text));
            }
        }

        /** Names the strings and member names of an object member that cannot be stored, up to the limit. */
        void unstorable(JsonNode object, String field) {
            if (object != null) {
                unstorable += StorableText.faults(object, field,
                        Math.max(0, StorableText.MAX_FAULTS_REPORTED - unstorable), this::violation);
            }
        }

        /** Counts what is past the limit, so a client sees how much is left to fix. */
        void unstorableBeyondLimit() {
            if (unstorable > StorableText.MAX_FAULTS_REPORTED) {
                violations.add(new Problem.Violation(self(index), (unstorable - StorableText.MAX_FAULTS_REPORTED)
                        + " more strings or member names of the message cannot be stored either"));
            }
        }

        MessageType type() {
            JsonNode value = node.get("type");
            if (value == null || value.isNull()) {
                violation("type", "type is required: one of " + MessageType.NAMES);
                return null;
            }
            if (!value.isTextual()) {
                violation("type", "type must be a string: one of " + MessageType.NAMES);
                return null;
            }
            var type = MessageType.fromWire(value.asText());
            if (type.isEmpty()) {
                violation("type", "type '" + value.asText() + "' is not one of " + MessageType.NAMES);
                return null;
            }
            return type.get();
        }

        /** Ids may come as numbers (a database key passed straight through); blank counts as absent. */
        String id(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (value.isTextual() || value.isIntegralNumber()) {
                String text = value.asText().strip();
                if (text.isEmpty()) {
                    return null;
                }
                if (!StorableText.storable(text)) {
                    unstorableText(field, text);
                }
                return text;
            }
            violation(field, field + " must be a string");
            return null;
        }

        String text(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                violation(field, field + " must be a string");
                return null;
            }
            String text = value.textValue();
            if (text.isBlank()) {
                return null;
            }
            if (!StorableText.storable(text)) {
                unstorableText(field, text);
            }
            return text;
        }

        Instant instant(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            Instant instant = value.isTextual() ? Timestamps.parse(value.asText()) : null;
            if (instant == null) {
                violation(field, field + " must be an ISO-8601 date-time");
            }
            return instant;
        }

        ObjectNode object(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isObject()) {
                violation(field, field + " must be a JSON object");
                return null;
            }
            return (ObjectNode) value;
        }
    }
}
