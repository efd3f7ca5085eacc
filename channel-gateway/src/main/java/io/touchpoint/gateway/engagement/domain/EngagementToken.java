package io.touchpoint.gateway.engagement.domain;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.touchpoint.gateway.delivery.domain.SignedFields;

/**
 * What an open pixel or a tracked link stands for: the delivery, its profile, when the message was
 * sent (to tell a scanner's instant fetch from a person) and, for a link, where it leads. Signed
 * ({@link SignedFields}), so a click cannot be made to redirect anywhere the message did not link
 * to, nor be counted for another delivery. Pure.
 */
public record EngagementToken(Kind kind, String deliveryId, String profileId, Instant sentAt, String url) {

    public enum Kind {
        OPEN, CLICK;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String VERSION = "e1";
    /** Links in mail are kept short by most clients' limits; a token past this is not one of ours. */
    public static final int MAX_LENGTH = 4096;

    public static EngagementToken open(String deliveryId, String profileId, Instant sentAt) {
        return new EngagementToken(Kind.OPEN, deliveryId, profileId, sentAt, "");
    }

    public static EngagementToken click(String deliveryId, String profileId, Instant sentAt, String url) {
        return new EngagementToken(Kind.CLICK, deliveryId, profileId, sentAt, url);
    }

    public String sign(byte[] key) {
        return SignedFields.sign(key, VERSION, kind.code(), deliveryId, profileId, Long.toString(sentAt.getEpochSecond()), url);
    }

    /** The token's fields when it is a token of this kind signed by this key; empty for anything else. */
    public static Optional<EngagementToken> verify(byte[] key, Kind kind, String token) {
        return SignedFields.verify(key, VERSION, 5, token, MAX_LENGTH).filter(f -> f.get(0).equals(kind.code())).flatMap(f -> {
            try {
                return Optional.of(new EngagementToken(kind, f.get(1), f.get(2), Instant.ofEpochSecond(Long.parseLong(f.get(3))),
                        f.get(4)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
