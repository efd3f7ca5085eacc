package io.touchpoint.segmentation.security.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Remembers each bearer token that authenticated successfully. Augmentors only ever see identities
 * a provider produced, so a token that failed verification (bad signature, expired, wrong issuer)
 * can never get into {@link VerifiedTokens}.
 */
@ApplicationScoped
public class VerifiedTokenRecorder implements SecurityIdentityAugmentor {

    @Inject
    VerifiedTokens verifiedTokens;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            verifiedTokens.remember(token);
        }
        return Uni.createFrom().item(identity);
    }
}
