package io.touchpoint.gateway.content.store;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.touchpoint.gateway.content.domain.ContentConfig;
import io.touchpoint.platform.cache.InvalidationChannel;
import io.vertx.mutiny.core.Vertx;

/**
 * The announcements of changed visitor keys: every write to the Redis copy publishes the keys it
 * changed on {@link #CHANNEL} (the scripts of {@link VisitorCache} do it in the same step as the
 * write), and each replica forgets them from its {@link VisitorNearCache}. The near cache is used
 * only while the {@link InvalidationChannel} is live (heard from each second), so a Redis that is
 * away (no change can be announced then) also turns the memory off.
 */
@ApplicationScoped
public class VisitorChanges implements InvalidationChannel.Listener {

    private static final Logger LOG = Logger.getLogger(VisitorChanges.class);
    static final String CHANNEL = "touchpoint:gateway:visitor-changes";
    private static final TypeReference<List<String>> KEYS = new TypeReference<>() {
    };

    private final VisitorNearCache near;
    private final ObjectMapper mapper;
    private final InvalidationChannel channel;

    VisitorChanges(ReactiveRedisDataSource redis, VisitorNearCache near, ObjectMapper mapper, Vertx vertx) {
        this.near = near;
        this.mapper = mapper;
        this.channel = new InvalidationChannel(redis, vertx, CHANNEL, Duration.ofSeconds(1), this, () -> true);
    }

    @Produces
    @Singleton
    static VisitorNearCache nearCache(ContentConfig config) {
        return new VisitorNearCache(config.nearCache().ttl().toNanos(), config.nearCache().maxEntries(), System::nanoTime);
    }

    void start(@Observes StartupEvent event) {
        channel.start();
    }

    void stop(@Observes ShutdownEvent event) {
        channel.stop();
    }

    @Override
    public void heard(String message) {
        try {
            near.forget(mapper.readValue(message, KEYS));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debugf("unreadable announcement on %s (%s); forgetting every visitor", CHANNEL, e.toString());
            near.clear();
        }
    }

    @Override
    public void live(boolean live) {
        near.live(live);
    }
}
