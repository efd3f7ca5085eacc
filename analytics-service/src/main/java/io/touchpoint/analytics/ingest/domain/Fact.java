package io.touchpoint.analytics.ingest.domain;

import java.time.Instant;

/**
 * One record of a consumed topic: where it sits (for the consumer's progress, kept in the same
 * transaction as what it changes), its CloudEvents id, the profile it is about, when it happened,
 * and its value.
 */
public record Fact<T>(String topic, int partition, long offset, String eventId, String profileId, Instant at, T value) {
}
