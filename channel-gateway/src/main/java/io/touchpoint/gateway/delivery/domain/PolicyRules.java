package io.touchpoint.gateway.delivery.domain;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of the one sending policy: which channels the gateway delivers on, the channel
 * order of a profile that stated none, the zone of one that stated no zone, how long a message may
 * wait (deferred) before it is dropped, how soon a request for an unknown profile is tried again,
 * and the frequency caps per channel (marketing only).
 */
public record PolicyRules(
        Set<String> deliverable,
        List<String> defaultChannelOrder,
        ZoneId defaultZone,
        Duration timeToLive,
        Duration unknownRecipientRetry,
        Map<String, Cap> caps) {

    public PolicyRules {
        deliverable = Set.copyOf(deliverable);
        defaultChannelOrder = List.copyOf(defaultChannelOrder);
        caps = Map.copyOf(caps);
    }

    /** At most {@code messages} marketing messages in {@code days} calendar days of the recipient's zone, today included. */
    public record Cap(int messages, int days) {
        public Cap {
            if (messages < 0 || days < 1) {
                throw new IllegalArgumentException("a cap is messages >= 0 in days >= 1");
            }
        }
    }

    public Optional<Cap> cap(String channel) {
        return Optional.ofNullable(caps.get(channel));
    }
}
