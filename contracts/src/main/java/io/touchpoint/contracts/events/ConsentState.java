package io.touchpoint.contracts.events;

import java.time.Instant;

/**
 * The current consent for one channel and topic ({@code "*"} for the whole channel).
 * {@code transactional} consents cover service messages only; marketing needs a marketing consent.
 */
public record ConsentState(String channel, String topic, Status status, boolean transactional, Instant at,
        String source) {

    public static final String ANY_TOPIC = "*";

    public enum Status {
        GRANTED, DENIED, WITHDRAWN
    }

    public boolean granted() {
        return status == Status.GRANTED;
    }
}
