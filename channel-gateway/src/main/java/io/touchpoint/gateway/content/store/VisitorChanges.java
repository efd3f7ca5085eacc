package io.touchpoint.gateway.content.store;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * only while this subscription is known to work: every replica publishes a heartbeat each second,
 * and a subscription that hears nothing (its own heartbeat included) for three of them, or ends,
 * or fails, is given up, the memory emptied, and the subscription made again a second later. So
 * a Redis that is away (no change can be announced then) also turns the memory off.
 */
@ApplicationScoped
public class VisitorChanges {

    private static final Logger LOG = Logger.getLogger(VisitorChanges.class);
    static final String CHANNEL = "touchpoint:gateway:visitor-changes";
    private static final long RETRY_MILLIS = 1_000;
    static final String HEARTBEAT = "-";
    private static final long HEARTBEAT_MILLIS = 1_000;
    private static final long SILENT_NANOS = 3 * HEARTBEAT_MILLIS * 1_000_000;
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
    private volatile boolean listening;
    /** Counts subscriptions: the end or failure of one given up already is not this one's. */
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile long lastHeardNanos;
    private long heartbeats = -1;

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
        heartbeats = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> beat());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (heartbeats >= 0) {
            vertx.cancelTimer(heartbeats);
        }
        listening = false;
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
        int attempt = attempts.incrementAndGet();
        redis.pubsub(String.class).subscribe(CHANNEL, this::onMessage, () -> onEnd(attempt), e -> onFailure(attempt, e))
                .subscribe().with(s -> {
                    if (attempt != attempts.get() || stopped) {
                        s.unsubscribe().subscribe().with(done -> {
                        }, e -> LOG.debugf("unsubscribing from %s failed (%s)", CHANNEL, e.toString()));
                        return;
                    }
                    subscriber = s;
                    lastHeardNanos = System.nanoTime();
                    listening = true;
                    near.live(true);
                }, e -> {
                    LOG.debugf("subscribing to %s failed (%s); visitors are read from Redis until it succeeds", CHANNEL,
                            e.toString());
                    retry();
                });
    }

    /** Publishes this replica's heartbeat, and gives up a subscription that has heard nothing for three. */
    private void beat() {
        redis.pubsub(String.class).publish(CHANNEL, HEARTBEAT).subscribe().with(done -> {
        }, e -> LOG.debugf("the heartbeat on %s was not published (%s)", CHANNEL, e.toString()));
        if (listening && System.nanoTime() - lastHeardNanos > SILENT_NANOS) {
            LOG.infof("nothing heard on %s for %d ms; visitors are read from Redis until it is heard again", CHANNEL,
                    SILENT_NANOS / 1_000_000);
            attempts.incrementAndGet();
            listening = false;
            near.live(false);
            var current = subscriber;
            subscriber = null;
            if (current != null) {
                current.unsubscribe().subscribe().with(done -> {
                }, e -> LOG.debugf("unsubscribing from %s failed (%s)", CHANNEL, e.toString()));
            }
            retry();
        }
    }

    void onMessage(String message) {
        lastHeardNanos = System.nanoTime();
        if (HEARTBEAT.equals(message)) {
            return;
        }
        try {
            near.forget(mapper.readValue(message, KEYS));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debugf("unreadable announcement on %s (%s); forgetting every visitor", CHANNEL, e.toString());
            near.clear();
        }
    }

    private void onEnd(int attempt) {
        if (attempt != attempts.get()) {
            return;
        }
        listening = false;
        near.live(false);
        if (!stopped) {
            LOG.infof("the subscription to %s ended; visitors are read from Redis until it is made again", CHANNEL);
            retry();
        }
    }

    private void onFailure(int attempt, Throwable e) {
        if (attempt != attempts.get()) {
            return;
        }
        listening = false;
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
