package io.touchpoint.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * A journey step asks the gateway to deliver one message. {@code requestId} is the idempotency key:
 * the gateway sends each request at most once. A {@code null} channel lets the gateway choose by
 * the profile's preference and consent; {@code transactional} messages skip marketing consent and
 * quiet hours.
 */
public record MessageRequested(
        String requestId,
        String profileId,
        String journeyId,
        String stepId,
        String channel,
        String templateId,
        String topic,
        boolean transactional,
        Map<String, Object> variables,
        Instant requestedAt) {
}
