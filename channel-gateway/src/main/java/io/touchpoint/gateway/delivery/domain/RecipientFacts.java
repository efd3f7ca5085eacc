package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the ledger and the suppression list say about a recipient when a request is decided:
 * suppressed addresses per channel (with the entry's reason: unsubscribed, hard-bounce, complaint,
 * manual), and the instants of marketing messages sent (or being sent) to it per channel, across
 * every journey.
 */
public record RecipientFacts(Map<String, Map<String, SuppressionReason>> suppressed,
        Map<String, List<Instant>> marketingSent) {

    public static final RecipientFacts NONE = new RecipientFacts(Map.of(), Map.of());

    public SuppressionReason suppression(String channel, String address) {
        Map<String, SuppressionReason> onChannel = suppressed.get(channel);
        return onChannel == null || address == null ? null : onChannel.get(Addresses.normalize(channel, address));
    }

    public List<Instant> sent(String channel) {
        return marketingSent.getOrDefault(channel, List.of());
    }
}
