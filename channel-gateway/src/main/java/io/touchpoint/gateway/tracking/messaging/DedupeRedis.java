package io.touchpoint.gateway.tracking.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The dedupe marks' round trips to Redis, on every tracking call's path, guarded: each gives up
 * after a second, and once half of the last ten failed the circuit opens and calls fail at once for
 * five seconds, then a trial call decides. Without the breaker every call waited out its timeouts
 * (check and mark) against a Redis that hung. Tuned through MicroProfile Fault Tolerance
 * configuration, e.g. {@code quarkus.fault-tolerance."dedupe-redis".timeout.value}.
 */
@ApplicationScoped
public class DedupeRedis {

    @Inject
    ReactiveRedisDataSource redis;

    @Timeout(1000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @CircuitBreakerName("dedupe-redis")
    public Uni<List<Response>> batch(List<Request> requests) {
        return redis.getRedis().batch(requests);
    }
}
