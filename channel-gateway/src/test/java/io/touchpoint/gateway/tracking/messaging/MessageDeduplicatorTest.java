package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;

/**
 * Deduplication is an optimization: when Redis refuses or hangs, ingestion goes on and publishes
 * everything (consumers are idempotent on (sourceId, messageId)).
 */
class MessageDeduplicatorTest {

    private static MessageDeduplicator against(io.vertx.redis.client.Redis redis) {
        ReactiveRedisDataSource dataSource = (ReactiveRedisDataSource) Proxy.newProxyInstance(
                MessageDeduplicatorTest.class.getClassLoader(), new Class<?>[] { ReactiveRedisDataSource.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("getRedis")) {
                        return io.vertx.mutiny.redis.client.Redis.newInstance(redis);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        MessageDeduplicator deduplicator = new MessageDeduplicator();
        deduplicator.redis = dataSource;
        deduplicator.window = Duration.ofHours(24);
        deduplicator.clock = java.time.Clock.systemUTC();
        deduplicator.timeout = Duration.ofMillis(200);
        return deduplicator;
    }

    /** A Redis client whose every command ends as {@code outcome} says. */
    private static io.vertx.redis.client.Redis redis(java.util.function.Supplier<Future<?>> outcome) {
        return (io.vertx.redis.client.Redis) Proxy.newProxyInstance(MessageDeduplicatorTest.class.getClassLoader(),
                new Class<?>[] { io.vertx.redis.client.Redis.class }, (proxy, method, args) -> {
                    if (method.getReturnType() == Future.class) {
                        return outcome.get();
                    }
                    // The Mutiny wrapper uses the callback forms, e.g. send(Request, Handler).
                    if (args != null && args.length > 0 && args[args.length - 1] instanceof Handler<?> handler) {
                        @SuppressWarnings("unchecked")
                        Handler<AsyncResult<Object>> callback = (Handler<AsyncResult<Object>>) handler;
                        @SuppressWarnings("unchecked")
                        Future<Object> result = (Future<Object>) outcome.get();
                        result.onComplete(callback);
                        return proxy;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aRefusingRedisMeansNothingCountsAsPublished() {
        var deduplicator = against(redis(() -> Future.failedFuture(new ConnectException("Connection refused"))));
        assertEquals(Set.of(), deduplicator.alreadyPublished("s", List.of("m-1", "m-2")).await().indefinitely());
        deduplicator.markPublished("s", List.of("m-1")).await().indefinitely();
    }

    @Test
    void aHangingRedisIsGivenUpOnQuickly() {
        var deduplicator = against(redis(() -> Promise.promise().future()));
        assertEquals(Set.of(), deduplicator.alreadyPublished("s", List.of("m-1")).await().atMost(Duration.ofSeconds(5)));
        deduplicator.markPublished("s", List.of("m-1")).await().atMost(Duration.ofSeconds(5));
    }
}
