package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Deduplication is an optimization: whatever Redis' round trips end in, ingestion goes on and
 * publishes everything (consumers are idempotent on (sourceId, messageId)). Pure logic: the round
 * trips fail as told; the real Redis, hung, is in {@code RedisOutageIngestionTest}.
 */
class MessageDeduplicatorTest {

    private static MessageDeduplicator failingWith(Throwable failure) {
        MessageDeduplicator deduplicator = new MessageDeduplicator();
        deduplicator.redis = new DedupeRedis() {
            @Override
            public Uni<List<Response>> batch(List<Request> requests) {
                return Uni.createFrom().failure(failure);
            }
        };
        deduplicator.window = Duration.ofHours(24);
        deduplicator.clock = Clock.systemUTC();
        return deduplicator;
    }

    @Test
    void aRefusingRedisMeansNothingCountsAsPublished() {
        var deduplicator = failingWith(new ConnectException("Connection refused"));
        assertEquals(Set.of(), deduplicator.alreadyPublished("s", List.of("m-1", "m-2")).await().indefinitely());
        deduplicator.markPublished("s", List.of("m-1")).await().indefinitely();
    }

    @Test
    void anOpenCircuitMeansNothingCountsAsPublished() {
        var deduplicator = failingWith(new CircuitBreakerOpenException("dedupe-redis"));
        assertEquals(Set.of(), deduplicator.alreadyPublished("s", List.of("m-1")).await().indefinitely());
        deduplicator.markPublished("s", List.of("m-1")).await().indefinitely();
    }
}
