package io.touchpoint.segmentation.membership.api;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.touchpoint.contracts.Roles;
import io.touchpoint.segmentation.membership.domain.EnteredSegment;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.MembershipStore;
import io.touchpoint.segmentation.security.api.VerifiedTokens;
import io.touchpoint.platform.api.HttpOutcome;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The hot path of {@code GET /v1/profiles/{profileId}/segments}, served straight from a Vert.x route
 * in front of {@link ProfileMembershipResource}. Behind RESTEasy this lookup cost several times its
 * Redis read in HTTP, security and reactive plumbing (benchmarks/README-segmentation.md) (every Mutiny operator captures the request
 * context), so the route answers the common case itself: a bearer token this service has already
 * verified ({@link VerifiedTokens}) carrying one of the resource's roles, a plain path and a JSON
 * Accept. Everything else (no or unknown token, another role, an encoded path, another Accept, a
 * failed read) goes on to the resource, which answers exactly as before: 401/403/406 problems,
 * token verification, errors. The resource also keeps documenting the operation in OpenAPI.
 * <p>
 * Micrometer's HTTP server binder ignores this path (its per-request tag building was a measurable
 * share of the lookup's CPU, benchmarks/README-segmentation.md); the route records the same {@code http.server.requests} timer with the same
 * tags itself, from a timer resolved once, and for the requests it hands on, once they end.
 */
@ApplicationScoped
public class ProfileSegmentsRoute {

    static final String PREFIX = "/v1/profiles/";
    static final String SUFFIX = "/segments";
    private static final Set<String> ROLES = Set.of(Roles.ADMIN, Roles.MARKETER, Roles.ANALYST);
    private static final String BEARER = "Bearer ";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json;charset=UTF-8");

    @Inject
    VerifiedTokens verifiedTokens;
    @Inject
    MembershipCache cache;
    @Inject
    MembershipStore memberships;
    @Inject
    Pool pool;
    @Inject
    MeterRegistry registry;

    /** As Micrometer's binder names this operation. */
    static final String URI = "/v1/profiles/{profileId}/segments";

    /**
     * Just before Quarkus' authentication filter (and after CORS): the route does its own token check,
     * and the filters it skips cost a share of the lookup's CPU (setting up lazy authentication,
     * and RESTEasy matching the path to a template for metrics on an authentication failure). What it
     * hands on passes through them as any request does. So a {@code quarkus.http.auth.permission}
     * policy on this path would not apply to the requests the route answers; the service has none.
     */
    static final int ORDER = -SecurityHandlerPriorities.AUTHENTICATION - 1;

    private Counter tokenHits;
    private Timer answered;

    void register(@Observes Router router) {
        // The same meter CachedTokenIdentityProvider counts: tokens served from the cache stay visible.
        tokenHits = registry.counter("touchpoint.auth.verified.tokens", "outcome", "hit");
        answered = requests(200);
        router.get(PREFIX + ":profileId" + SUFFIX).order(ORDER).handler(this::handle);
    }

    private Timer requests(int status) {
        return registry.timer("http.server.requests", "method", "GET", "uri", URI, "status", Integer.toString(status),
                "outcome", HttpOutcome.of(status));
    }

    void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        HttpServerRequest request = ctx.request();
        String profileId = plainProfileId(request.path());
        if (profileId == null || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))
                || !authorized(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            handOn(ctx, started);
            return;
        }
        List<EnteredSegment> near = cache.nearHit(profileId);
        if (near != null) {
            answer(ctx, profileId, near, started);
            return;
        }
        Context context = Vertx.currentContext();
        cache.read(profileId, () -> pool.withConnection(sql -> memberships.ofProfile(sql, profileId)))
                .subscribe().with(
                        segments -> onContext(context, () -> answer(ctx, profileId, segments, started)),
                        // The resource reads again and answers the failure as the rest of the API does.
                        failure -> onContext(context, () -> handOn(ctx, started)));
    }

    private void handOn(RoutingContext ctx, long started) {
        ctx.addEndHandler(v -> requests(ctx.response().getStatusCode()).record(System.nanoTime() - started,
                TimeUnit.NANOSECONDS));
        ctx.next();
    }

    /** Routing state is not thread-safe: continue on the request's own context. */
    private static void onContext(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private void answer(RoutingContext ctx, String profileId, List<EnteredSegment> segments, long started) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(Buffer.buffer(ProfileSegmentsJson.render(profileId, segments)));
        answered.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /**
     * The profile id when the raw path needs no decoding, else null: percent-escapes, matrix
     * parameters and the like are left to RESTEasy so that they keep meaning exactly what they did.
     */
    static String plainProfileId(String path) {
        if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)
                || path.length() <= PREFIX.length() + SUFFIX.length()) {
            return null;
        }
        String id = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '%' || c == ';' || c == '+' || c <= ' ' || c >= 0x7f) {
                return null;
            }
        }
        return id;
    }

    /** Only Accept values the resource certainly answers with JSON; any other goes through content negotiation. */
    static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("application/json") || accept.equals("*/*");
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        VerifiedTokens.Verified verified = verifiedTokens.find(authorization.substring(BEARER.length()));
        if (verified == null) {
            return false;
        }
        for (String role : verified.roles()) {
            if (ROLES.contains(role)) {
                tokenHits.increment();
                return true;
            }
        }
        return false;
    }
}
