package io.touchpoint.profile.identity.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.touchpoint.contracts.events.Interaction;

/** Reads the identifiers an interaction carries, normalised, without the blocked junk values. */
public final class IdentityExtractor {

    private final Set<String> blocked;
    private final Map<String, String> externalIdTraits;

    public IdentityExtractor(Set<String> blockedValues, Map<String, String> externalIdTraits) {
        this.blocked = blockedValues.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        this.externalIdTraits = externalIdTraits;
    }

    public List<Identifier> extract(Interaction interaction) {
        Set<Identifier> ids = new LinkedHashSet<>();
        add(ids, Identifier.USER_ID, interaction.userId());
        add(ids, Identifier.ANONYMOUS_ID, interaction.anonymousId());
        Map<String, Object> traits = interaction.traits();
        if (traits == null && interaction.context() != null && interaction.context().get("traits") instanceof Map<?, ?> m) {
            traits = cast(m);
        }
        if (traits != null) {
            add(ids, Identifier.EMAIL, email(traits.get("email")));
            add(ids, Identifier.PHONE, phone(traits.get("phone")));
            for (var e : externalIdTraits.entrySet()) {
                add(ids, e.getValue(), traits.get(e.getKey()));
            }
        }
        if (interaction.context() != null && interaction.context().get("externalIds") instanceof List<?> externals) {
            for (Object o : externals) {
                if (o instanceof Map<?, ?> ext && ext.get("type") != null) {
                    add(ids, String.valueOf(ext.get("type")), ext.get("id"));
                }
            }
        }
        return new ArrayList<>(ids);
    }

    public boolean isBlocked(String value) {
        return value == null || value.isBlank() || blocked.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    private void add(Set<Identifier> ids, String type, Object raw) {
        if (raw == null) {
            return;
        }
        String value = String.valueOf(raw).trim();
        if (!isBlocked(value)) {
            ids.add(new Identifier(type, value));
        }
    }

    static String email(Object raw) {
        if (!(raw instanceof String s) || !s.contains("@")) {
            return null;
        }
        return s.trim().toLowerCase(Locale.ROOT);
    }

    /** Keeps a leading '+' and the digits, so "+358 40-123 4567" and "+358401234567" are one phone. */
    static String phone(Object raw) {
        if (raw == null) {
            return null;
        }
        String s = String.valueOf(raw).trim();
        String digits = s.replaceAll("[^0-9]", "");
        if (digits.length() < 5) {
            return null;
        }
        return (s.startsWith("+") ? "+" : "") + digits;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
