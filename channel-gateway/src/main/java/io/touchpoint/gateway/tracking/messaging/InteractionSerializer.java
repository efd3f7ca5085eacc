package io.touchpoint.gateway.tracking.messaging;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
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
        try {
            return MAPPER.writeValueAsBytes(interaction);
        } catch (JsonProcessingException e) {
            throw new RuntimeException(e);
        }
    }
}
