package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the ledger and the suppression list say about a recipient when a request is decided:
 * suppressed addresses per channel (with the entry's reason: unsubscribed, hard-bounce, complaint,
 * manual), and the marketing messages sent (or being sent) to it, with channel, topic and instant,
 * across every journey.
 */
public record RecipientFacts(Map<String, Map<String, SuppressionReason>> suppressed, List<Sent> marketing) {

    public static final RecipientFacts NONE = new RecipientFacts(Map.of(), List.of());

    /** One marketing message let go to the recipient: its channel, its topic (the tag caps count) and when. */
    public record Sent(String channel, String topic, Instant at) {
    }

    public RecipientFacts {
        marketing = List.copyOf(marketing);
    }

    /** Facts whose sends carry no topic (per-channel caps only). */
    public RecipientFacts(Map<String, Map<String, SuppressionReason>> suppressed, Map<String, List<Instant>> sentByChannel) {
        this(suppressed, sends(sentByChannel));
    }

    private static List<Sent> sends(Map<String, List<Instant>> byChannel) {
        List<Sent> sends = new ArrayList<>();
        byChannel.forEach((channel, ats) -> ats.forEach(at -> sends.add(new Sent(channel, null, at))));
        return sends;
    }

    public SuppressionReason suppression(String channel, String address) {
        Map<String, SuppressionReason> onChannel = suppressed.get(channel);
        return onChannel == null || address == null ? null : onChannel.get(Addresses.normalize(channel, address));
    }

    public List<Instant> sent(String channel) {
        return marketing.stream().filter(s -> channel.equals(s.channel())).map(Sent::at).toList();
    }
}
