package io.touchpoint.gateway.tracking.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import io.touchpoint.gateway.tracking.domain.IngestionRejected.Reason;

/**
 * Undoes {@code Content-Encoding} ourselves rather than letting the HTTP layer do it, so the 500 KB
 * limit applies to the JSON and a small gzip bomb is cut off at the limit instead of inflated whole.
 */
final class RequestBodies {

    private RequestBodies() {
    }

    static byte[] decode(byte[] raw, String contentEncoding) {
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "", "identity" -> {
                if (raw.length > TrackingLimits.MAX_BODY_BYTES) {
                    throw tooLarge("The body is " + raw.length + " bytes");
                }
                return raw;
            }
            case "gzip", "x-gzip" -> {
                try {
                    return inflate(new GZIPInputStream(new ByteArrayInputStream(raw)), "gzip");
                } catch (IOException e) {
                    throw notDecodable("gzip", e);
                }
            }
            case "deflate" -> {
                return inflate(new InflaterInputStream(new ByteArrayInputStream(raw)), "deflate");
            }
            default -> throw new IngestionRejected(Reason.UNSUPPORTED_ENCODING,
                    "Content-Encoding " + contentEncoding + " is not supported; send gzip, deflate or no encoding.");
        }
    }

    private static byte[] inflate(InputStream in, String encoding) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] chunk = new byte[8192];
            int read;
            while ((read = in.read(chunk)) != -1) {
                out.write(chunk, 0, read);
                if (out.size() > TrackingLimits.MAX_BODY_BYTES) {
                    throw tooLarge("The body decompresses to more than " + TrackingLimits.MAX_BODY_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw notDecodable(encoding, e);
        }
    }

    private static IngestionRejected tooLarge(String what) {
        return new IngestionRejected(Reason.TOO_LARGE, what + "; the limit is " + TrackingLimits.MAX_BODY_BYTES
                + " bytes (500 KB) of JSON per request. Send fewer messages per batch.");
    }

    private static IngestionRejected notDecodable(String encoding, IOException e) {
        return new IngestionRejected(Reason.INVALID, "The body is not valid " + encoding + ": " + e.getMessage(), null,
                e);
    }
}
