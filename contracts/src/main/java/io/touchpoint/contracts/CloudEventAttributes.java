package io.touchpoint.contracts;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * The CloudEvents context attributes Touchpoint puts on every record. The subject is always the
 * profile id (or, for interactions, the caller's identity), the same value as the record key.
 */
public record CloudEventAttributes(String id, String type, URI source, Instant time, String subject) {

    public CloudEventAttributes {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
    }
}
