package io.touchpoint.gateway.tracking.domain;

/**
 * Segment's published limits, measured on the decompressed JSON. The SDKs split their batches by
 * exactly these numbers, so a lower limit would reject batches they consider valid.
 */
public final class TrackingLimits {

    /** One message: 32 KB. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;
    /** One request body, batch or not: 500 KB. */
    public static final int MAX_BODY_BYTES = 500 * 1024;
    /** Longer ids are a client bug, and they become Redis keys and CloudEvents ids. */
    public static final int MAX_MESSAGE_ID_LENGTH = 256;

    private TrackingLimits() {
    }
}
