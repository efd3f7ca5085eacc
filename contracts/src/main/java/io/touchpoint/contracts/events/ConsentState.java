package io.touchpoint.contracts.events;

import java.time.Instant;

/** The current consent for one channel and topic ({@code "*"} for the whole channel). */
public record ConsentState(String channel, String topic, Status status, Instant at, String source) {

    public enum Status {
        GRANTED, DENIED, WITHDRAWN
    }

    public boolean granted() {
        return status == Status.GRANTED;
    }
}
