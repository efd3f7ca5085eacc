package io.touchpoint.contracts.events;

import java.time.Instant;

/**
 * What happened to a message, reported by the gateway and the providers behind it. {@code reason}
 * is a stable code saying why (for SUPPRESSED, DEFERRED, FAILED and UNKNOWN: {@code no-consent},
 * {@code quiet-hours}, {@code render-failed}, ...); {@code detail} says it for people.
 * UNKNOWN: the gateway stopped between handing the message to the provider and hearing back, so it
 * may or may not have gone out; it is never resent blindly.
 * OPENED and CLICKED come once per open or click; {@code reason} {@code machine} marks one made by a
 * mail-privacy proxy or a link scanner rather than a person, and a CLICKED event's {@code detail} is
 * the link's URL. COMPLAINED: the recipient reported the message as spam (an ARF feedback report).
 * The CloudEvent id of each record is stable across redeliveries, so consumers deduplicate by it.
 */
public record DeliveryEvent(
        String deliveryId,
        String requestId,
        String profileId,
        String journeyId,
        String templateId,
        String channel,
        Status status,
        String reason,
        String detail,
        Instant at) {

    public enum Status {
        SENT, DELIVERED, DEFERRED, SUPPRESSED, FAILED, UNKNOWN, BOUNCED, OPENED, CLICKED, UNSUBSCRIBED, COMPLAINED
    }
}
