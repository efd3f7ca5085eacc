package io.touchpoint.segmentation.security.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a bearer token smallrye-jwt verified before (see {@link VerifiedTokens}) without verifying
 * it again; for any other token it answers nothing, and the identity provider manager asks the next
 * provider, smallrye-jwt's validator, which verifies it (and {@link VerifiedTokenRecorder} remembers
 * a success). The identity is built per request like the validator builds it: only the verified
 * token is shared, never another request's credential or routing context.
 */
@ApplicationScoped
public class CachedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Uni<SecurityIdentity> UNKNOWN = Uni.createFrom().nullItem();

    private final VerifiedTokens verifiedTokens;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public CachedTokenIdentityProvider(VerifiedTokens verifiedTokens, MeterRegistry registry) {
        this.verifiedTokens = verifiedTokens;
        this.hits = registry.counter("touchpoint.auth.verified.tokens", "outcome", "hit");
        this.misses = registry.counter("touchpoint.auth.verified.tokens", "outcome", "miss");
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before smallrye-jwt's validator, which keeps the default priority. */
    @Override
    public int priority() {
        return IdentityProvider.super.priority() + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        TokenCredential credential = request.getToken();
        if (!(credential instanceof JsonWebTokenCredential)) {
            return UNKNOWN;
        }
        VerifiedTokens.Verified verified = verifiedTokens.find(credential.getToken());
        if (verified == null) {
            misses.increment();
            return UNKNOWN;
        }
        hits.increment();
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(verified.token())
                .addCredential(credential)
                .addRoles(verified.roles())
                .addAttribute("quarkus.user", verified.token());
        RoutingContext routingContext = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routingContext != null) {
            identity.addAttribute(RoutingContext.class.getName(), routingContext);
        }
        return Uni.createFrom().item(identity.build());
    }
}
