package io.touchpoint.gateway.unsubscribe.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an unsubscribe link stands for (a delivery to a profile's address on a channel and topic),
 * as an opaque token: the fields and an HMAC-SHA256 over them, URL-safe. Only the key's holder can
 * make one, so a link cannot be forged for someone else or for another topic. Pure.
 */
public record UnsubscribeToken(String deliveryId, String profileId, String channel, String topic, String address) {

    private static final String VERSION = "u1";
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
    /** Far above any real token; refused before any decoding work. */
    public static final int MAX_LENGTH = 2048;

    public String sign(byte[] key) {
        String payload = ENCODE.encodeToString(String.join("\n", deliveryId, profileId, channel, topic, address)
                .getBytes(StandardCharsets.UTF_8));
        return VERSION + "." + payload + "." + ENCODE.encodeToString(mac(key, payload));
    }

    /** The token's fields when its signature is this key's; empty for anything else. */
    public static Optional<UnsubscribeToken> verify(byte[] key, String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            if (!MessageDigest.isEqual(mac(key, parts[1]), DECODE.decode(parts[2]))) {
                return Optional.empty();
            }
            String[] fields = new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8).split("\n", -1);
            return fields.length == 5 ? Optional.of(new UnsubscribeToken(fields[0], fields[1], fields[2], fields[3], fields[4]))
                    : Optional.empty();
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
