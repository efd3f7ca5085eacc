package io.touchpoint.gateway.content.messaging;

import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Tells every gateway replica that a placement changed (published or deleted), over a Redis
 * channel, so each reloads it from PostgreSQL at once. A message can be lost (a replica
 * reconnecting); the registry's periodic comparison of revisions is the bound for that.
 */
@ApplicationScoped
public class PlacementChanges {

    private static final Logger LOG = Logger.getLogger(PlacementChanges.class);
    static final String CHANNEL = "touchpoint:gateway:placements:changed";

    private final ReactiveRedisDataSource redis;

    PlacementChanges(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public Uni<Void> announce(String placementKey) {
        return redis.pubsub(String.class).publish(CHANNEL, placementKey)
                .onFailure().invoke(e -> LOG.warnf("could not announce a change of placement %s (%s); other replicas see it "
                        + "at their next comparison", placementKey, e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Calls {@code listener} with the key of every placement any replica announces. */
    public Uni<Void> listen(Consumer<String> listener) {
        return redis.pubsub(String.class).subscribe(CHANNEL, listener).replaceWithVoid();
    }
}
