package io.touchpoint.gateway.tracking.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.events.Interaction;

/**
 * Writes interactions in the contract's JSON form (ISO-8601 instants, no null members), not in
 * whatever this service's REST mapper prefers: the contract's configuration, with instants written
 * by {@link InstantText} (the same text, for a fraction of the cost).
 *
 * <p>The record's members are written by hand, in the order the mapper writes them: going through
 * the mapper's bean and map serializers, which look up a serializer for every map value's class,
 * was a large share of the gateway's CPU (measured: benchmarks/README.md, "Interaction records
 * written by hand"). The values of
 * properties, traits, context and integrations are what the request parser makes of JSON (maps,
 * lists, strings, numbers, booleans, nulls); anything else is handed to the mapper.
 * InteractionSerializerTest pins the bytes to the contract mapper's.
 */
@RegisterForReflection
public class InteractionSerializer extends ObjectMapperSerializer<Interaction> {

    static final ObjectMapper MAPPER = EventJson.configure(new ObjectMapper())
            // Registered after the contract's JavaTimeModule, so it takes precedence for Instant.
            .registerModule(new SimpleModule("gateway-instants").addSerializer(Instant.class, new InstantText.Serializer()));

    public InteractionSerializer() {
        super(MAPPER);
    }

    /**
     * As the superclass, into the mapper's recycled buffer instead of a fresh ByteArrayOutputStream
     * that starts at 32 bytes and is copied each time it doubles to the record's 600 and more.
     */
    @Override
    public byte[] serialize(String topic, Interaction interaction) {
        if (interaction == null) {
            return null;
        }
        ByteArrayBuilder bytes = new ByteArrayBuilder(MAPPER.getFactory()._getBufferRecycler());
        try (JsonGenerator json = MAPPER.createGenerator(bytes, JsonEncoding.UTF8)) {
            write(json, interaction);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] result = bytes.toByteArray();
        bytes.release();
        return result;
    }

    private static void write(JsonGenerator json, Interaction i) throws IOException {
        json.writeStartObject();
        text(json, "messageId", i.messageId());
        text(json, "sourceId", i.sourceId());
        text(json, "type", i.type());
        text(json, "userId", i.userId());
        text(json, "anonymousId", i.anonymousId());
        text(json, "previousId", i.previousId());
        text(json, "groupId", i.groupId());
        text(json, "event", i.event());
        text(json, "name", i.name());
        text(json, "category", i.category());
        map(json, "properties", i.properties());
        map(json, "traits", i.traits());
        map(json, "context", i.context());
        map(json, "integrations", i.integrations());
        instant(json, "timestamp", i.timestamp());
        instant(json, "originalTimestamp", i.originalTimestamp());
        instant(json, "sentAt", i.sentAt());
        instant(json, "receivedAt", i.receivedAt());
        json.writeEndObject();
    }

    private static void text(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    private static void instant(JsonGenerator json, String name, Instant value) throws IOException {
        if (value != null) {
            json.writeStringField(name, InstantText.format(value));
        }
    }

    private static void map(JsonGenerator json, String name, Map<String, Object> value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            value(json, value);
        }
    }

    /** As the mapper writes untyped values: map entries and list elements in iteration order, null entries of maps left out. */
    private static void value(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                // The contract's NON_NULL inclusion reaches into maps (at every depth), not into lists.
                if (entry.getValue() != null) {
                    // The parser's keys are strings; others as the mapper's default key serializer writes them.
                    json.writeFieldName(entry.getKey() instanceof String key ? key : String.valueOf(entry.getKey()));
                    value(json, entry.getValue());
                }
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object element : list) {
                value(json, element);
            }
            json.writeEndArray();
        } else if (value instanceof Integer n) {
            json.writeNumber(n.intValue());
        } else if (value instanceof Long n) {
            json.writeNumber(n.longValue());
        } else if (value instanceof Double n) {
            json.writeNumber(n.doubleValue());
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof BigInteger n) {
            json.writeNumber(n);
        } else if (value instanceof BigDecimal n) {
            json.writeNumber(n);
        } else {
            MAPPER.writeValue(json, value);
        }
    }
}
