package io.touchpoint.gateway.tracking.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Device clocks are often wrong by minutes or years, but the time between taking a reading and
 * sending it is right whatever the offset. Measuring that interval on the client
 * ({@code sentAt - clientTimestamp}) and laying it back from our own receipt time gives when the
 * interaction happened on the gateway's clock.
 */
public final class ClockSkew {

    private ClockSkew() {
    }

    /**
     * @param sentAt          when the client says it sent the call (may be null)
     * @param clientTimestamp the client's originalTimestamp, else its timestamp (may be null)
     */
    public static Instant correct(Instant receivedAt, Instant sentAt, Instant clientTimestamp) {
        if (clientTimestamp == null) {
            return receivedAt;
        }
        if (sentAt == null) {
            return clientTimestamp;
        }
        return receivedAt.minus(Duration.between(clientTimestamp, sentAt));
    }
}
