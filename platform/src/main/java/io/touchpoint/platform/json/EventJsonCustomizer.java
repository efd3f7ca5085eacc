package io.touchpoint.platform.json;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;
import io.touchpoint.contracts.EventJson;

/**
 * Quarkus' ObjectMapper (REST bodies, stored JSON, outbox payloads) writes exactly what
 * {@link EventJson} writes: ISO-8601 instants, no null members, unknown members ignored on read.
 */
@Singleton
public class EventJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        EventJson.configure(mapper);
    }
}
