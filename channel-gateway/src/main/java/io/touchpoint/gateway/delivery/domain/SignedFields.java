package io.touchpoint.gateway.delivery.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fields carried in a link as an opaque token: {@code version.payload.mac}, the payload the fields
 * (newline-separated, URL-safe Base64) and the mac an HMAC-SHA256 over it, so only the key's holder
 * can make a token and none can be altered. The version names what the fields mean, so a token
 * made for one purpose is refused for another. Pure.
 */
public final class SignedFields {

    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private SignedFields() {
    }

    public static String sign(byte[] key, String version, String... fields) {
        String payload = ENCODE.encodeToString(String.join("\n", fields).getBytes(StandardCharsets.UTF_8));
        return version + "." + payload + "." + ENCODE.encodeToString(mac(key, payload));
    }

    /** The token's fields when it is of this version, has this many fields and is signed by this key; empty otherwise. */
    public static Optional<List<String>> verify(byte[] key, String version, int count, String token, int maxLength) {
        if (token == null || token.length() > maxLength) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(version)) {
            return Optional.empty();
        }
        try {
            if (!MessageDigest.isEqual(mac(key, parts[1]), DECODE.decode(parts[2]))) {
                return Optional.empty();
            }
            String[] fields = new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8).split("\n", -1);
            return fields.length == count ? Optional.of(List.of(fields)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] mac(byte[] key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always present", e);
        }
    }
}
