package io.touchpoint.profile.master.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Everything the master profile knows about one person, as the API shows it. */
@RegisterForReflection
public record ProfileView(
        String id,
        long version,
        List<IdentifierView> identifiers,
        Map<String, Object> traits,
        Map<String, TraitSource> traitSources,
        List<ConsentView> consent,
        Map<String, Object> preferences,
        Map<String, Object> computed,
        Instant firstSeen,
        Instant lastSeen,
        Instant createdAt,
        List<String> mergedProfileIds) {

    @RegisterForReflection
    public record IdentifierView(String type, String value, String sourceId, Instant firstSeen) {
    }

    @RegisterForReflection
    public record TraitSource(Instant at, String source) {
    }

    @RegisterForReflection
    public record ConsentView(String channel, String topic, String status, boolean transactional, Instant at,
            String source, Map<String, Object> proof, Instant recordedAt) {
    }
}
