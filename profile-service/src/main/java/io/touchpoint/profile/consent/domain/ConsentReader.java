package io.touchpoint.profile.consent.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.Interaction;

/**
 * Finds the consent statements in an interaction: the generic consent event, events that imply a
 * consent (a newsletter subscription), and Segment's {@code context.consent.categoryPreferences}
 * where a category is a channel or {@code channel:topic}.
 */
public final class ConsentReader {

    private final String consentEvent;
    private final Map<String, String[]> implied = new HashMap<>();

    public ConsentReader(String consentEvent, List<String> impliedConsents) {
        this.consentEvent = consentEvent;
        for (String rule : impliedConsents) {
            int eq = rule.lastIndexOf('=');
            String[] parts = rule.substring(eq + 1).split(":");
            if (eq > 0 && parts.length == 3) {
                implied.put(rule.substring(0, eq).trim(), parts);
            }
        }
    }

    public List<ConsentChange> read(Interaction interaction) {
        List<ConsentChange> changes = new ArrayList<>();
        String source = interaction.sourceId();
        if (Interaction.TRACK.equals(interaction.type()) && interaction.event() != null) {
            Map<String, Object> p = interaction.properties() == null ? Map.of() : interaction.properties();
            if (interaction.event().equals(consentEvent)) {
                ConsentState.Status status = status(p.get("status"));
                Object channel = p.get("channel");
                if (status != null && channel != null) {
                    changes.add(new ConsentChange(String.valueOf(channel).toLowerCase(Locale.ROOT),
                            topic(p.get("topic")), status, Boolean.TRUE.equals(p.get("transactional")),
                            interaction.timestamp(), source, proof(p.get("proof"), interaction)));
                }
            }
            String[] rule = implied.get(interaction.event());
            if (rule != null) {
                changes.add(new ConsentChange(rule[0], rule[1], status(rule[2]), false, interaction.timestamp(), source,
                        proof(p.get("proof"), interaction)));
            }
        }
        if (interaction.context() != null && interaction.context().get("consent") instanceof Map<?, ?> consent
                && consent.get("categoryPreferences") instanceof Map<?, ?> prefs) {
            for (var e : prefs.entrySet()) {
                String[] channelTopic = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT).split(":", 2);
                ConsentState.Status status = Boolean.TRUE.equals(e.getValue()) ? ConsentState.Status.GRANTED
                        : ConsentState.Status.WITHDRAWN;
                changes.add(new ConsentChange(channelTopic[0], channelTopic.length > 1 ? channelTopic[1] : ConsentState.ANY_TOPIC,
                        status, false, interaction.timestamp(), source, proof(null, interaction)));
            }
        }
        return changes;
    }

    public static ConsentState.Status status(Object raw) {
        if (raw instanceof Boolean b) {
            return b ? ConsentState.Status.GRANTED : ConsentState.Status.WITHDRAWN;
        }
        if (raw == null) {
            return null;
        }
        return switch (String.valueOf(raw).trim().toLowerCase(Locale.ROOT)) {
            case "granted", "grant", "opted_in", "opt-in", "subscribed", "true", "yes" -> ConsentState.Status.GRANTED;
            case "denied", "deny", "declined" -> ConsentState.Status.DENIED;
            case "withdrawn", "withdraw", "revoked", "opted_out", "opt-out", "unsubscribed", "false", "no" ->
                ConsentState.Status.WITHDRAWN;
            default -> null;
        };
    }

    private static String topic(Object raw) {
        return raw == null || String.valueOf(raw).isBlank() ? ConsentState.ANY_TOPIC : String.valueOf(raw).toLowerCase(Locale.ROOT);
    }

    /** The proof kept with a consent: what the person was shown, plus where and how it was given. */
    private static Map<String, Object> proof(Object given, Interaction interaction) {
        Map<String, Object> proof = new HashMap<>();
        if (given instanceof Map<?, ?> m) {
            m.forEach((k, v) -> proof.put(String.valueOf(k), v));
        } else if (given != null) {
            proof.put("text", String.valueOf(given));
        }
        proof.put("messageId", interaction.messageId());
        if (interaction.context() != null) {
            for (String key : List.of("ip", "userAgent", "page")) {
                if (interaction.context().get(key) != null) {
                    proof.put(key, interaction.context().get(key));
                }
            }
        }
        return proof;
    }
}
