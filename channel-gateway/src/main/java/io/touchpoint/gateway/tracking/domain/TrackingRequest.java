package io.touchpoint.gateway.tracking.domain;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A parsed tracking call: one message (/v1/track and friends) or many (/v1/batch, /v1/import), with
 * what the batch envelope says for all of its messages.
 *
 * @param impliedType  the type the route implies, or null for a batch (each message names its own)
 * @param writeKey     the body's writeKey, or null
 * @param sentAt       the batch's sentAt, or null
 * @param context      the batch's context, merged under each message's own, or null
 * @param integrations the batch's integrations, merged under each message's own, or null
 */
public record TrackingRequest(MessageType impliedType, String writeKey, List<Item> items, Instant sentAt,
        ObjectNode context, ObjectNode integrations) {

    /**
     * @param bytes the message's compact JSON size when that is over the per-message limit; a
     *              message proven within it may carry a smaller figure, since only the limit check
     *              and its answer need the exact size
     */
    public record Item(JsonNode message, int bytes) {
    }

    public boolean batch() {
        return impliedType == null;
    }
}
