package io.touchpoint.profile.master.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.touchpoint.profile.config.ProfileConfig;
import io.touchpoint.profile.consent.domain.ConsentReader;
import io.touchpoint.profile.identity.domain.IdentityExtractor;
import io.touchpoint.profile.identity.domain.IdentityResolver;

/** The configured rule objects, built once from {@link ProfileConfig}. */
@ApplicationScoped
public class ProfileRules {

    private final ComputedAttributes computed;
    private final ConsentReader consent;
    private final IdentityExtractor identities;
    private final IdentityResolver resolver;

    @Inject
    public ProfileRules(ProfileConfig config) {
        this.computed = new ComputedAttributes(config);
        this.consent = new ConsentReader(config.events().consentUpdated(), config.events().impliedConsents());
        this.identities = new IdentityExtractor(config.identity().blockedValues(),
                pairs(config.identity().externalIdTraits().orElse(java.util.List.of())));
        this.resolver = new IdentityResolver(pairs(config.identity().limits()).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, e -> Integer.parseInt(e.getValue()))));
    }

    /** {@code key=value} list entries, as maps cannot have defaults in a config mapping. */
    private static java.util.Map<String, String> pairs(java.util.List<String> entries) {
        return entries.stream().map(rule -> rule.split("=", 2)).filter(kv -> kv.length == 2)
                .collect(java.util.stream.Collectors.toMap(kv -> kv[0].trim(), kv -> kv[1].trim()));
    }

    public ComputedAttributes computed() {
        return computed;
    }

    public ConsentReader consent() {
        return consent;
    }

    public IdentityExtractor identities() {
        return identities;
    }

    public IdentityResolver resolver() {
        return resolver;
    }
}
