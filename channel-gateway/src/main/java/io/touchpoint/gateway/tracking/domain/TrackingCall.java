package io.touchpoint.gateway.tracking.domain;

/**
 * One HTTP call to the tracking API, as received.
 *
 * @param impliedType     the route's type, or null for /v1/batch and /v1/import
 * @param body            the raw body, possibly compressed
 * @param contentEncoding the Content-Encoding header, or null
 * @param authorization   the Authorization header, or null
 * @param clientIp        the caller's address (first X-Forwarded-For hop, else the peer), or null
 */
public record TrackingCall(MessageType impliedType, byte[] body, String contentEncoding, String authorization,
        String clientIp) {
}
