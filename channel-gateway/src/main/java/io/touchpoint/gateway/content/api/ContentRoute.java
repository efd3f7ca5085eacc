package io.touchpoint.gateway.content.api;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.touchpoint.gateway.content.domain.ContentDecisions;
import io.touchpoint.gateway.content.domain.PlacementCompiler;
import io.touchpoint.gateway.content.domain.Visits;
import io.touchpoint.gateway.tracking.domain.IngestionService;
import io.touchpoint.platform.api.HttpOutcome;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The hot path of {@code GET /v1/content/{placement}}, answered by a Vert.x route in front of
 * {@link ContentResource}: behind RESTEasy a decision cost several times its one Redis round trip
 * in request plumbing (segmentation-service measured the same for its lookup). The route answers
 * the common case: a plain placement key, a JSON Accept, a write key this gateway knows, an
 * anonymousId or userId, and a published placement. Everything else (no or a wrong key, missing
 * ids, an unknown placement, a failure) goes on to the resource, which decides again and answers
 * as it always does, problems included; it also documents the operation in OpenAPI.
 *
 * <p>The HTTP metrics binder leaves this path alone (its per-request tag lookups were a tenth of a
 * decision's CPU): the route records {@code http.server.requests} for the GETs of the path itself,
 * those it answers into a timer looked up once, those it hands on when the resource has answered.
 */
@ApplicationScoped
public class ContentRoute {

    static final String PREFIX = "/v1/content/";
    private static final String URI = PREFIX + "{placement}";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json;charset=UTF-8");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    /** After the CORS filter, before authentication: the write key is checked here, and bearer tokens play no part. */
    static final int ORDER = -SecurityHandlerPriorities.AUTHENTICATION - 1;

    private final ContentDecisions decisions;
    private final IngestionService ingestion;
    private final MeterRegistry registry;
    private final Timer answered;

    ContentRoute(ContentDecisions decisions, IngestionService ingestion, MeterRegistry registry) {
        this.decisions = decisions;
        this.ingestion = ingestion;
        this.registry = registry;
        this.answered = requests(200);
    }

    void register(@Observes Router router) {
        router.get(PREFIX + ":placement").order(ORDER).handler(this::handle);
    }

    private Timer requests(int status) {
        return registry.timer("http.server.requests", "method", "GET", "uri", URI, "status", Integer.toString(status),
                "outcome", HttpOutcome.of(status));
    }

    void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        HttpServerRequest request = ctx.request();
        String key = plainKey(request.path());
        if (key == null || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
            handOn(ctx, started);
            return;
        }
        String anonymousId;
        String userId;
        Visits.Request visit;
        String writeKey;
        try {
            anonymousId = param(request, "anonymousId");
            userId = param(request, "userId");
            writeKey = param(request, "writeKey");
            visit = new Visits.Request(param(request, "url"), param(request, "referrer"), param(request, "utm_source"),
                    param(request, "utm_medium"), param(request, "utm_campaign"), param(request, "utm_term"),
                    param(request, "utm_content"));
        } catch (IllegalArgumentException e) {
            handOn(ctx, started);
            return;
        }
        if ((anonymousId == null && userId == null) || tooLong(anonymousId) || tooLong(userId)) {
            handOn(ctx, started);
            return;
        }
        Context context = Vertx.currentContext();
        ingestion.sourceOf(request.getHeader(HttpHeaders.AUTHORIZATION), writeKey)
                .chain(sourceId -> decisions.decide(key, userId, anonymousId, visit))
                .subscribe().with(
                        decision -> onContext(context, () -> {
                            if (decision == null) {
                                handOn(ctx, started);
                            } else {
                                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
                                        .end(Buffer.buffer(decision.json()));
                                answered.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                            }
                        }),
                        // The resource asks again and answers the refusal or failure as the rest of the API does.
                        failure -> onContext(context, () -> handOn(ctx, started)));
    }

    /** On to the resource, recorded when it has answered. */
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

    /** The key when the raw path is {@code /v1/content/<key>} with a key as placements have them, else null. */
    static String plainKey(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        String key = path.substring(PREFIX.length());
        return PlacementCompiler.KEY.matcher(key).matches() ? key : null;
    }

    static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("application/json") || accept.equals("*/*");
    }

    private static String param(HttpServerRequest request, String name) {
        String value = request.getParam(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static boolean tooLong(String id) {
        return id != null && id.length() > 200;
    }
}
