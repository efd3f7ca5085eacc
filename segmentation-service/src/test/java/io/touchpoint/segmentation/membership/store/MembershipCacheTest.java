package io.touchpoint.segmentation.membership.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.domain.EnteredSegment;

class MembershipCacheTest {

    private static final Map<String, Instant> TRUTH = Map.of("s-1", Instant.parse("2026-01-01T00:00:00Z"));
    private static final List<EnteredSegment> SHOWN = List.of(new EnteredSegment("s-1", "2026-01-01T00:00:00Z"));

    static final class FailingRedis implements MembershipCache.HashStore {
        @Override
        public Uni<Map<String, String>> get(String key) {
            return Uni.createFrom().failure(new IllegalStateException("redis is down"));
        }

        @Override
        public Uni<Void> lease(List<String> keys, String lease, long ttlSeconds) {
            return Uni.createFrom().failure(new IllegalStateException("redis is down"));
        }

        @Override
        public Uni<Void> put(String key, String lease, Map<String, String> fields, long ttlSeconds) {
            return Uni.createFrom().failure(new IllegalStateException("redis is down"));
        }

        @Override
        public Uni<Void> delete(String... keys) {
            return Uni.createFrom().failure(new IllegalStateException("redis is down"));
        }
    }

    static final class MapRedis implements MembershipCache.HashStore {
        final Map<String, Map<String, String>> data = new HashMap<>();

        @Override
        public Uni<Map<String, String>> get(String key) {
            return Uni.createFrom().item(data.getOrDefault(key, Map.of()));
        }

        @Override
        public Uni<Void> lease(List<String> keys, String lease, long ttlSeconds) {
            for (String k : keys) {
                if (!data.getOrDefault(k, Map.of()).containsKey(MembershipCache.MARKER)) {
                    data.put(k, Map.of(MembershipCache.LEASE, lease));
                }
            }
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> put(String key, String lease, Map<String, String> fields, long ttlSeconds) {
            if (lease.equals(data.getOrDefault(key, Map.of()).get(MembershipCache.LEASE))) {
                data.put(key, Map.copyOf(fields));
            }
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> delete(String... keys) {
            for (String k : keys) {
                data.remove(k);
            }
            return Uni.createFrom().voidItem();
        }
    }

    @Test
    void aFailingRedisFallsBackToPostgres() {
        var cache = new MembershipCache(new FailingRedis());
        AtomicInteger reads = new AtomicInteger();
        var result = cache.read("p-1", () -> {
            reads.incrementAndGet();
            return Uni.createFrom().item(TRUTH);
        }).await().indefinitely();
        assertEquals(SHOWN, result);
        assertEquals(1, reads.get());
        cache.invalidate(Set.of("p-1")).await().indefinitely();
    }

    @Test
    void readsAreServedFromRedisUntilInvalidated() {
        var redis = new MapRedis();
        var cache = new MembershipCache(redis);
        AtomicInteger reads = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertEquals(SHOWN, cache.read("p-1", () -> {
                reads.incrementAndGet();
                return Uni.createFrom().item(TRUTH);
            }).await().indefinitely());
        }
        assertEquals(1, reads.get());
        assertEquals(List.of(), cache.read("p-2", () -> Uni.createFrom().item(Map.<String, Instant>of())).await().indefinitely());
        assertEquals(List.of(), cache.read("p-2", () -> {
            throw new AssertionError("an empty membership is cached too");
        }).await().indefinitely());
        cache.invalidate(Set.of("p-1")).await().indefinitely();
        cache.read("p-1", () -> {
            reads.incrementAndGet();
            return Uni.createFrom().item(TRUTH);
        }).await().indefinitely();
        assertEquals(2, reads.get());
    }

    @Test
    void aChangeInvalidatedWhilePostgresWasReadIsNotCachedStale() {
        var redis = new MapRedis();
        var cache = new MembershipCache(redis);
        // The read finds nothing cached, asks PostgreSQL, and before the answer is cached a change
        // commits and is invalidated: what PostgreSQL said before it must not stay in the cache.
        assertEquals(List.of(), cache.read("p-1", () -> cache.invalidate(Set.of("p-1"))
                .replaceWith(Map.<String, Instant>of())).await().indefinitely());
        AtomicInteger reads = new AtomicInteger();
        assertEquals(SHOWN, cache.read("p-1", () -> {
            reads.incrementAndGet();
            return Uni.createFrom().item(TRUTH);
        }).await().indefinitely());
        assertEquals(1, reads.get(), "the stale answer was not cached, so the next read asked PostgreSQL");

        // The same for a membership check and for warming.
        cache.contains("s-1", List.of("p-2"), misses -> cache.invalidate(Set.of("p-2"))
                .replaceWith(Map.<String, Map<String, Instant>>of())).await().indefinitely();
        assertEquals(Map.of("p-2", true), cache.contains("s-1", List.of("p-2"),
                misses -> Uni.createFrom().item(Map.of("p-2", TRUTH))).await().indefinitely());
        cache.fill(List.of("p-3"), ids -> cache.invalidate(Set.of("p-3")).replaceWith(Map.<String, Map<String, Instant>>of()))
                .await().indefinitely();
        assertEquals(SHOWN, cache.read("p-3", () -> Uni.createFrom().item(TRUTH)).await().indefinitely());
    }

    @Test
    void readsAreInSegmentIdOrderAndShowTheInstantsAsStored() {
        var redis = new MapRedis();
        var cache = new MembershipCache(redis);
        Map<String, Instant> truth = Map.of("s-b", Instant.parse("2026-01-02T03:04:05.123456Z"), "s-a",
                Instant.parse("2026-01-01T00:00:00Z"), "s-c", Instant.parse("2026-01-03T00:00:00.100Z"));
        List<EnteredSegment> expected = List.of(new EnteredSegment("s-a", "2026-01-01T00:00:00Z"),
                new EnteredSegment("s-b", "2026-01-02T03:04:05.123456Z"), new EnteredSegment("s-c", "2026-01-03T00:00:00.100Z"));
        assertEquals(expected, cache.read("p-1", () -> Uni.createFrom().item(truth)).await().indefinitely());
        // Cached: whatever order the hash answers in, the read is sorted.
        redis.data.put(MembershipCache.key("p-1"), Map.of("s-c", "2026-01-03T00:00:00.100Z", MembershipCache.MARKER, "1",
                "s-a", "2026-01-01T00:00:00Z", "s-b", "2026-01-02T03:04:05.123456Z"));
        assertEquals(expected, cache.read("p-1", () -> {
            throw new AssertionError("cached");
        }).await().indefinitely());
    }

    @Test
    void checksReadTheCachedProfilesAndAskTheTruthOnlyForTheOthers() {
        var redis = new MapRedis();
        var cache = new MembershipCache(redis);
        cache.fill(List.of("p-in", "p-out"), ids -> Uni.createFrom().item(Map.of("p-in", TRUTH))).await().indefinitely();
        List<List<String>> asked = new ArrayList<>();
        var answer = cache.contains("s-1", List.of("p-in", "p-new", "p-out"), misses -> {
            asked.add(misses);
            return Uni.createFrom().item(Map.of("p-new", TRUTH));
        }).await().indefinitely();
        assertEquals(List.of(List.of("p-new")), asked);
        assertEquals(List.of("p-in", "p-new", "p-out"), List.copyOf(answer.keySet()));
        assertEquals(Map.of("p-in", true, "p-new", true, "p-out", false), answer);
        // The miss was cached: a second check asks nothing.
        cache.contains("s-1", List.of("p-new"), misses -> {
            throw new AssertionError("asked for " + misses);
        }).await().indefinitely();
    }

    @Test
    void checksAnswerFromTheTruthWhenRedisFails() {
        var cache = new MembershipCache(new FailingRedis());
        var answer = cache.contains("s-1", List.of("a", "b"), misses -> Uni.createFrom().item(Map.of("b", TRUTH)))
                .await().indefinitely();
        assertEquals(Map.of("a", false, "b", true), answer);
    }
}
