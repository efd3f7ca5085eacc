package io.touchpoint.gateway.tracking.messaging;

import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.events.Interaction;

/** Writes interactions in the contract's JSON form (ISO-8601 instants, no null members), not in whatever this service's REST mapper prefers. */
@RegisterForReflection
public class InteractionSerializer extends ObjectMapperSerializer<Interaction> {

    public InteractionSerializer() {
        super(EventJson.mapper());
    }
}
