package io.touchpoint.gateway.content.store;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.touchpoint.gateway.content.domain.ContentConfig;
import io.vertx.mutiny.core.Vertx;

/**
 * The announcements of changed visitor keys: every write to the Redis copy publishes the keys it
 * changed on {@link #CHANNEL} (the scripts of {@link VisitorCache} do it in the same step as the
 * write), and each replica forgets them from its {@link VisitorNearCache}. The near cache is used
 * only while this subscription stands; when it ends or fails the memory is emptied and the
 * subscription made again a second later.
 */
@ApplicationScoped
public class VisitorChanges {

    private static final Logger LOG = Logger.getLogger(VisitorChanges.class);
    static final String CHANNEL = "touchpoint:gateway:visitor-changes";
    private static final long RETRY_MILLIS = 1_000;
    private static final TypeReference<List<String>> KEYS = new TypeReference<>() {
    };

    private final ReactiveRedisDataSource redis;
    private final VisitorNearCache near;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private volatile boolean stopped;
    /** A retry is scheduled: an end and a failure of one subscription schedule one, not two. */
    private final AtomicBoolean retrying = new AtomicBoolean();
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    VisitorChanges(ReactiveRedisDataSource redis, VisitorNearCache near, ObjectMapper mapper, Vertx vertx) {
        this.redis = redis;
        this.near = near;
        this.mapper = mapper;
        this.vertx = vertx;
    }

    @Produces
    @Singleton
    static VisitorNearCache nearCache(ContentConfig config) {
        return new VisitorNearCache(config.nearCache().ttl().toNanos(), config.nearCache().maxEntries(), System::nanoTime);
    }

    void start(@Observes StartupEvent event) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        near.live(false);
        var current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(done -> {
            }, e -> LOG.debugf("unsubscribing from %s failed (%s)", CHANNEL, e.toString()));
        }
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        redis.pubsub(String.class).subscribe(CHANNEL, this::onMessage, this::onEnd, this::onFailure).subscribe().with(s -> {
            subscriber = s;
            near.live(true);
        }, e -> {
            LOG.debugf("subscribing to %s failed (%s); visitors are read from Redis until it succeeds", CHANNEL, e.toString());
            retry();
        });
    }

    void onMessage(String message) {
        try {
            near.forget(mapper.readValue(message, KEYS));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debugf("unreadable announcement on %s (%s); forgetting every visitor", CHANNEL, e.toString());
            near.clear();
        }
    }

    private void onEnd() {
        near.live(false);
        if (!stopped) {
            LOG.infof("the subscription to %s ended; visitors are read from Redis until it is made again", CHANNEL);
            retry();
        }
    }

    private void onFailure(Throwable e) {
        near.live(false);
        if (!stopped) {
            LOG.infof("the subscription to %s failed (%s); visitors are read from Redis until it is made again", CHANNEL,
                    e.toString());
            retry();
        }
    }

    private void retry() {
        if (!stopped && retrying.compareAndSet(false, true)) {
            vertx.setTimer(RETRY_MILLIS, id -> {
                retrying.set(false);
                subscribe();
            });
        }
    }
}
