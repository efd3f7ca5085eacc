package io.touchpoint.gateway.content.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.touchpoint.contracts.events.ConsentState;

/**
 * What content rules read of a known visitor: the profile's traits, computed attributes, consent
 * and current segments, as the gateway's hot copy holds them.
 */
public record Visitor(String profileId, Map<String, Object> traits, Map<String, Object> computed,
        List<ConsentState> consents, Set<String> segments) {

    public Visitor {
        traits = traits == null ? Map.of() : traits;
        computed = computed == null ? Map.of() : computed;
        consents = consents == null ? List.of() : consents;
        segments = segments == null ? Set.of() : segments;
    }
}
