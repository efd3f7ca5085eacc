package io.touchpoint.platform.outbox;

import java.time.Instant;

/** One event waiting in the outbox for the broker's acknowledgement. */
public record OutboxRecord(long id, String eventId, String topic, String key, String type, String payload,
        Instant createdAt) {
}
