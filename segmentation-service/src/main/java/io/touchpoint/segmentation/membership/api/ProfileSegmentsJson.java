package io.touchpoint.segmentation.membership.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.touchpoint.segmentation.membership.domain.EnteredSegment;

/**
 * The body of {@code GET /v1/profiles/{id}/segments}, written by hand: it is the hottest answer of
 * the service and a few strings long, and Jackson's reflective record serializer plus an instant
 * formatter cost more than the rest of a cached lookup. Same shape as {@link ProfileMembershipResource.ProfileSegments}
 * (which documents it in OpenAPI): {@code {"profileId":..,"segments":[{"segmentId":..,"enteredAt":..}]}}.
 */
final class ProfileSegmentsJson {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ProfileSegmentsJson() {
    }

    static byte[] render(String profileId, List<EnteredSegment> segments) {
        StringBuilder json = new StringBuilder(48 + profileId.length() + 72 * segments.size());
        json.append("{\"profileId\":");
        string(json, profileId);
        json.append(",\"segments\":[");
        for (int i = 0; i < segments.size(); i++) {
            EnteredSegment segment = segments.get(i);
            json.append(i == 0 ? "{\"segmentId\":" : ",{\"segmentId\":");
            string(json, segment.segmentId());
            json.append(",\"enteredAt\":");
            string(json, segment.enteredAt());
            json.append('}');
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string (RFC 8259) escaped as Jackson escapes it: quote, backslash and control characters; the rest as is. */
    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
