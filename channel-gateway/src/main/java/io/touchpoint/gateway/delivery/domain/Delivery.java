package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.util.Map;

import io.touchpoint.contracts.events.MessageRequested;

/** One request's row in the delivery ledger. {@code channel} and {@code address} are set once the policy chose them. */
public record Delivery(
        String requestId,
        String deliveryId,
        String profileId,
        String journeyId,
        String stepId,
        String templateId,
        String topic,
        boolean transactional,
        String requestedChannel,
        String channel,
        String address,
        DeliveryState state,
        String reason,
        String detail,
        Map<String, Object> variables,
        Instant requestedAt,
        Instant expiresAt) {

    /** The request as it came, for deciding it again when its deferral ends. */
    public MessageRequested request() {
        return new MessageRequested(requestId, profileId, journeyId, stepId, requestedChannel, templateId, topic,
                transactional, variables, requestedAt);
    }
}
