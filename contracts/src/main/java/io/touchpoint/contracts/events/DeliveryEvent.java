package io.touchpoint.contracts.events;

import java.time.Instant;

/** What happened to a message, reported by the gateway and the providers behind it. */
public record DeliveryEvent(
        String deliveryId,
        String requestId,
        String profileId,
        String journeyId,
        String templateId,
        String channel,
        Status status,
        String detail,
        Instant at) {

    public enum Status {
        SENT, DELIVERED, SUPPRESSED, FAILED, BOUNCED, OPENED, CLICKED, UNSUBSCRIBED
    }
}
