package io.touchpoint.gateway.unsubscribe.domain;

import java.util.Optional;

import io.touchpoint.gateway.delivery.domain.SignedFields;

/**
 * What an unsubscribe link stands for (a delivery to a profile's address on a channel and topic),
 * as an opaque signed token ({@link SignedFields}): only the key's holder can make one, so a link
 * cannot be forged for someone else or for another topic. Pure.
 */
public record UnsubscribeToken(String deliveryId, String profileId, String channel, String topic, String address) {

    private static final String VERSION = "u1";
    /** Far above any real token; refused before any decoding work. */
    public static final int MAX_LENGTH = 2048;

    public String sign(byte[] key) {
        return SignedFields.sign(key, VERSION, deliveryId, profileId, channel, topic, address);
    }

    /** The token's fields when its signature is this key's; empty for anything else. */
    public static Optional<UnsubscribeToken> verify(byte[] key, String token) {
        return SignedFields.verify(key, VERSION, 5, token, MAX_LENGTH)
                .map(f -> new UnsubscribeToken(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4)));
    }
}
