package io.touchpoint.segmentation.membership.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.domain.EnteredSegment;
import io.touchpoint.segmentation.cache.store.RedisStatus;

/**
 * Hot "which segments is this profile in" lookups. Redis holds, per profile, a hash of segment id to
 * entered-at (plus a marker, so an empty membership is a hit too). PostgreSQL stays the truth: entries
 * are dropped after every committed change and rebuilt from PostgreSQL on the next read, and any
 * Redis failure falls back to PostgreSQL instead of failing the read. In front of Redis, a
 * {@link NearCache} keeps hot entries in memory while every replica hears of every invalidation.
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

        /** Deletes the keys and publishes {@code message} on {@code channel}, both or neither. */
        default Uni<Void> deleteAndPublish(String channel, String message, String... keys) {
            return delete(keys);
        }

        /** For each key, the values of the same few fields of its hash (null for each one absent). */
        default Uni<List<List<String>>> fields(List<String> keys, String... fields) {
            List<Uni<List<String>>> reads = keys.stream()
                    .map(k -> get(k).map(m -> java.util.Arrays.stream(fields).map(m::get).toList())).toList();
            return Uni.join().all(reads).andFailFast();
        }
    }

    HashStore store;

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisStatus status;
    /** Null for a test store. */
    @Inject
    NearCache near;

    public MembershipCache() {
    }

    /** For tests: a cache over any store. */
    public MembershipCache(HashStore store) {
        this.store = store;
    }

    /** Bounded in time and skipped while Redis is down; unguarded for a test store. */
    private <T> Uni<T> guarded(Uni<T> call) {
        return status == null ? call : status.guard(call);
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

    /**
     * The profile's segments and when it entered them, in segment id order: from Redis when it has
     * them (the stored text as is), else from {@code truth}, which is then cached.
     */
    public Uni<List<EnteredSegment>> read(String profileId, Supplier<Uni<Map<String, Instant>>> truth) {
        List<EnteredSegment> held = nearHit(profileId);
        if (held != null) {
            return Uni.createFrom().item(held);
        }
        long ticket = near == null ? 0 : near.ticket(profileId);
        return guarded(store().get(key(profileId)))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf(e, "redis read failed; reading memberships from PostgreSQL");
                    return null;
                })
                .chain(cached -> {
                    if (cached != null && cached.containsKey(MARKER)) {
                        List<EnteredSegment> segments = fromCache(cached);
                        if (near != null) {
                            near.put(profileId, segments, ticket);
                        }
                        return Uni.createFrom().item(segments);
                    }
                    return truth.get().call(fresh -> write(profileId, fresh)).map(MembershipCache::fromTruth);
                });
    }

    /** The profile's segments when this replica holds them in memory (no I/O), else null. */
    public List<EnteredSegment> nearHit(String profileId) {
        return near == null ? null : near.get(profileId);
    }

    private static final Comparator<EnteredSegment> BY_SEGMENT = Comparator.comparing(EnteredSegment::segmentId);

    /** Cached fields (marker left out) in segment id order; Redis answers small hashes in write order, which is sorted already. */
    private static List<EnteredSegment> fromCache(Map<String, String> cached) {
        List<EnteredSegment> out = new ArrayList<>(cached.size());
        cached.forEach((segmentId, enteredAt) -> {
            if (!segmentId.equals(MARKER)) {
                out.add(new EnteredSegment(segmentId, enteredAt));
            }
        });
        return sorted(out);
    }

    private static List<EnteredSegment> fromTruth(Map<String, Instant> fresh) {
        List<EnteredSegment> out = new ArrayList<>(fresh.size());
        fresh.forEach((segmentId, enteredAt) -> out.add(EnteredSegment.of(segmentId, enteredAt)));
        return sorted(out);
    }

    private static List<EnteredSegment> sorted(List<EnteredSegment> segments) {
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i - 1).segmentId().compareTo(segments.get(i).segmentId()) > 0) {
                segments.sort(BY_SEGMENT);
                break;
            }
        }
        return segments;
    }

    private Uni<Void> write(String profileId, Map<String, Instant> memberships) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(MARKER, "1");
        // In segment id order: a small hash answers HGETALL in this order, so reads need not sort.
        memberships.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> fields.put(e.getKey(), e.getValue().toString()));
        return guarded(store().put(key(profileId), fields, TTL_SECONDS)).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Caches memberships just read from PostgreSQL (warming); failures are ignored. */
    public Uni<Void> put(String profileId, Map<String, Instant> memberships) {
        return write(profileId, memberships);
    }

    /**
     * Whether each profile is in the segment, from the cached memberships; the profiles not cached
     * are looked up together by {@code truth} (profile id to its memberships, absent when it has
     * none) and cached. The answer keeps the order of {@code profileIds}.
     */
    public Uni<Map<String, Boolean>> contains(String segmentId, List<String> profileIds,
            Function<List<String>, Uni<Map<String, Map<String, Instant>>>> truth) {
        return guarded(store().fields(profileIds.stream().map(MembershipCache::key).toList(), MARKER, segmentId))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf(e, "redis read failed; checking membership in PostgreSQL");
                    return null;
                })
                .chain(cached -> {
                    Map<String, Boolean> out = new LinkedHashMap<>();
                    List<String> misses = new java.util.ArrayList<>();
                    for (int i = 0; i < profileIds.size(); i++) {
                        String p = profileIds.get(i);
                        List<String> hit = cached == null ? null : cached.get(i);
                        if (hit != null && hit.get(0) != null) {
                            out.put(p, hit.get(1) != null);
                        } else {
                            out.put(p, null);
                            misses.add(p);
                        }
                    }
                    if (misses.isEmpty()) {
                        return Uni.createFrom().item(out);
                    }
                    // A few writes at a time: up to a thousand at once would crowd lookups out of the pool.
                    return truth.apply(misses).call(found -> cached == null ? Uni.createFrom().voidItem()
                            : io.smallrye.mutiny.Multi.createFrom().iterable(misses)
                                    .onItem().transformToUni(p -> write(p, found.getOrDefault(p, Map.of()))).merge(8)
                                    .collect().last().replaceWithVoid())
                            .map(found -> {
                                misses.forEach(p -> out.put(p, found.getOrDefault(p, Map.of()).containsKey(segmentId)));
                                return out;
                            });
                });
    }

    /** Drops the cached memberships of the given profiles; a failure only costs freshness until the TTL. */
    public Uni<Void> invalidate(Set<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] keys = profileIds.stream().map(MembershipCache::key).toArray(String[]::new);
        Uni<Void> delete = near == null ? store().delete(keys)
                : store().deleteAndPublish(NearCache.CHANNEL, NearCache.message(profileIds), keys);
        // Dropped here once Redis no longer has them (earlier, a racing read could copy the old entry
        // again), or on failure; the other replicas drop them when they hear the message.
        return guarded(delete)
                .onTermination().invoke(() -> {
                    if (near != null) {
                        near.drop(profileIds);
                    }
                })
                .onFailure().invoke(e -> {
                    LOG.debugf("redis invalidation failed for %s: %s", profileIds, e.getMessage());
                    if (status != null) {
                        status.writeLost();
                    }
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    static final class RedisHashStore implements HashStore {
        private final ReactiveRedisDataSource redis;

        RedisHashStore(ReactiveRedisDataSource redis) {
            this.redis = redis;
        }

        @Override
        public Uni<Map<String, String>> get(String key) {
            return redis.hash(String.class).hgetall(key).map(m -> m == null ? Map.of() : m);
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

        /** One script, so no replica can miss the message for a deletion that happened. */
        private static final String DELETE_AND_PUBLISH = """
                for _, k in ipairs(KEYS) do redis.call('del', k) end
                redis.call('publish', ARGV[1], ARGV[2])
                return 0""";

        @Override
        public Uni<Void> deleteAndPublish(String channel, String message, String... keys) {
            String[] args = new String[keys.length + 4];
            args[0] = DELETE_AND_PUBLISH;
            args[1] = Integer.toString(keys.length);
            System.arraycopy(keys, 0, args, 2, keys.length);
            args[keys.length + 2] = channel;
            args[keys.length + 3] = message;
            return redis.execute("EVAL", args).replaceWithVoid();
        }

        /** One round trip for all keys: a thousand separate commands would queue on the pool. */
        private static final String HMGET_EACH = """
                local out = {}
                for i, k in ipairs(KEYS) do out[i] = redis.call('hmget', k, unpack(ARGV)) end
                return out""";

        @Override
        public Uni<List<List<String>>> fields(List<String> keys, String... fields) {
            List<String> args = new java.util.ArrayList<>();
            args.add(HMGET_EACH);
            args.add(Integer.toString(keys.size()));
            args.addAll(keys);
            args.addAll(List.of(fields));
            return redis.execute("EVAL", args.toArray(String[]::new)).map(r -> {
                List<List<String>> out = new java.util.ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    var values = r.get(i);
                    List<String> row = new java.util.ArrayList<>();
                    for (int f = 0; f < fields.length; f++) {
                        var v = values == null ? null : values.get(f);
                        row.add(v == null ? null : v.toString());
                    }
                    out.add(row);
                }
                return out;
            });
        }
    }
}
