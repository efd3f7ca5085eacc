package io.touchpoint.gateway.recipient.domain;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import io.touchpoint.contracts.events.ConsentState;

/**
 * What the gateway knows of a profile to deliver to it: its addresses, consent per channel and
 * topic, and its channel preferences, as of the profile-change {@code version} it was built from.
 * Missing preferences are null (the policy applies its defaults); an empty channel order means none
 * was stated.
 */
public record Recipient(
        String profileId,
        long version,
        String email,
        String phone,
        List<ConsentState> consents,
        List<String> channelOrder,
        ZoneId timeZone,
        String locale,
        QuietHours quietHours,
        Map<String, Object> traits,
        Map<String, Object> computed) {

    public Recipient {
        consents = consents == null ? List.of() : List.copyOf(consents);
        channelOrder = channelOrder == null ? List.of() : List.copyOf(channelOrder);
        traits = traits == null ? Map.of() : traits;
        computed = computed == null ? Map.of() : computed;
    }

    /** A daily window, in the recipient's zone, when marketing waits; it may span midnight (22:00 to 07:00). */
    public record QuietHours(LocalTime start, LocalTime end) {
    }

    /** The recipient's address on a channel, or null when it has none there or the channel has no addresses. */
    public String address(String channel) {
        if (Channels.EMAIL.equals(channel)) {
            return email;
        }
        if (Channels.SMS.equals(channel)) {
            return phone;
        }
        return null;
    }
}
