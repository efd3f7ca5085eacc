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
 * the frequency caps per channel, and the caps per tag (marketing only). A request's tag is its
 * topic ({@code offers}, {@code newsletter}, {@code jackpots}): the kind of message a recipient
 * consents to is also the kind whose volume marketers cap.
 */
public record PolicyRules(
        Set<String> deliverable,
        List<String> defaultChannelOrder,
        ZoneId defaultZone,
        Duration timeToLive,
        Duration unknownRecipientRetry,
        Map<String, Cap> caps,
        List<TagCap> tagCaps) {

    public PolicyRules {
        deliverable = Set.copyOf(deliverable);
        defaultChannelOrder = List.copyOf(defaultChannelOrder);
        caps = Map.copyOf(caps);
        tagCaps = List.copyOf(tagCaps);
    }

    public PolicyRules(Set<String> deliverable, List<String> defaultChannelOrder, ZoneId defaultZone, Duration timeToLive,
            Duration unknownRecipientRetry, Map<String, Cap> caps) {
        this(deliverable, defaultChannelOrder, defaultZone, timeToLive, unknownRecipientRetry, caps, List.of());
    }

    /** A cap on the marketing messages tagged {@code tag}: on one channel, or on all of them together when channel is null. */
    public record TagCap(String tag, String channel, Cap cap) {
        public TagCap {
            if (tag == null || tag.isBlank() || cap == null) {
                throw new IllegalArgumentException("a tag cap names its tag and its limit");
            }
        }

        boolean covers(String tagged, String onChannel) {
            return tag.equals(tagged) && (channel == null || channel.equals(onChannel));
        }
    }

    /** The longest window any cap looks back over, in days (0 without caps). */
    public int longestCapDays() {
        int days = caps.values().stream().mapToInt(Cap::days).max().orElse(0);
        return Math.max(days, tagCaps.stream().mapToInt(t -> t.cap().days()).max().orElse(0));
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
