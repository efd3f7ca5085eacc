package io.touchpoint.segmentation.membership.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Hot "which segments is this profile in" lookups. Redis holds, per profile, a hash of segment id to
 * entered-at (plus a marker, so an empty membership is a hit too). PostgreSQL stays the truth: entries
 * are dropped after every committed change and rebuilt from PostgreSQL on the next read, and any
 * Redis failure falls back to PostgreSQL instead of failing the read.
 */
@ApplicationScoped
public class MembershipCache {

    private static final Logger LOG = Logger.getLogger(MembershipCache.class);
    static final String MARKER = "_";
    private static final long TTL_SECONDS = 24 * 3600;

    /** The few Redis operations the cache needs; a seam for tests with a failing Redis. */
    public interface HashStore {
        Uni<Map<String, String>> get(String key);

        Uni<Void> put(String key, Map<String, String> fields, long ttlSeconds);

        Uni<Void> delete(String... keys);
    }

    HashStore store;

    @Inject
    ReactiveRedisDataSource redis;

    public MembershipCache() {
    }

    /** For tests: a cache over any store. */
    public MembershipCache(HashStore store) {
        this.store = store;
    }

    private HashStore store() {
        if (store == null) {
            store = new RedisHashStore(redis);
        }
        return store;
    }

    static String key(String profileId) {
        return "touchpoint:segmentation:profile-segments:" + profileId;
    }

    /** The profile's segments and when it entered them, from Redis when it has them, else from {@code truth}. */
    public Uni<Map<String, Instant>> read(String profileId, Supplier<Uni<Map<String, Instant>>> truth) {
        return store().get(key(profileId))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf(e, "redis read failed; reading memberships from PostgreSQL");
                    return null;
                })
                .chain(cached -> {
                    if (cached != null && cached.containsKey(MARKER)) {
                        Map<String, Instant> out = new TreeMap<>();
                        cached.forEach((k, v) -> {
                            if (!k.equals(MARKER)) {
                                out.put(k, Instant.parse(v));
                            }
                        });
                        return Uni.createFrom().item(out);
                    }
                    return truth.get().call(fresh -> write(profileId, fresh));
                });
    }

    private Uni<Void> write(String profileId, Map<String, Instant> memberships) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(MARKER, "1");
        memberships.forEach((k, v) -> fields.put(k, v.toString()));
        return store().put(key(profileId), fields, TTL_SECONDS).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Drops the cached memberships of the given profiles; a failure only costs freshness until the TTL. */
    public Uni<Void> invalidate(Set<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store().delete(profileIds.stream().map(MembershipCache::key).toArray(String[]::new))
                .onFailure().invoke(e -> LOG.warnf("redis invalidation failed for %s: %s", profileIds, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    static final class RedisHashStore implements HashStore {
        private final ReactiveRedisDataSource redis;

        RedisHashStore(ReactiveRedisDataSource redis) {
            this.redis = redis;
        }

        @Override
        public Uni<Map<String, String>> get(String key) {
            return redis.hash(String.class).hgetall(key).map(m -> m == null ? Map.of() : new HashMap<>(m));
        }

        @Override
        public Uni<Void> put(String key, Map<String, String> fields, long ttlSeconds) {
            return redis.key().del(key)
                    .chain(() -> redis.hash(String.class).hset(key, fields))
                    .chain(() -> redis.key().expire(key, ttlSeconds)).replaceWithVoid();
        }

        @Override
        public Uni<Void> delete(String... keys) {
            return redis.key().del(keys).replaceWithVoid();
        }
    }
}
