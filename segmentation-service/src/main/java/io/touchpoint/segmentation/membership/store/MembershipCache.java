package io.touchpoint.segmentation.membership.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.domain.EnteredSegment;
import io.touchpoint.segmentation.cache.store.RedisStatus;

/**
 * Hot "which segments is this profile in" lookups. Redis holds, per profile, a hash of segment id to
 * entered-at (plus a marker, so an empty membership is a hit too). PostgreSQL stays the truth: entries
 * are dropped after every committed change and rebuilt from PostgreSQL on the next read, and any
 * Redis failure falls back to PostgreSQL instead of failing the read. In front of Redis, a
 * {@link NearCache} keeps hot entries in memory while every replica hears of every invalidation.
 * <p>
 * A rebuild must not cache what PostgreSQL said before a change whose invalidation came while the
 * rebuild was under way (the entry would then stay stale for a day). So a rebuild first leaves a
 * lease in the empty entry, reads PostgreSQL, and writes only if its lease is still there: an
 * invalidation deletes the entry, lease and all.
 */
@ApplicationScoped
public class MembershipCache {

    private static final Logger LOG = Logger.getLogger(MembershipCache.class);
    static final String MARKER = "_";
    /** The field holding a rebuild's lease in an entry without memberships. */
    static final String LEASE = "~";
    private static final long TTL_SECONDS = 24 * 3600;
    /** Longer than any rebuild's PostgreSQL read; a lease outliving its rebuild only costs this much memory. */
    private static final long LEASE_SECONDS = 60;

    /** The few Redis operations the cache needs; a seam for tests with a failing Redis. */
    public interface HashStore {
        Uni<Map<String, String>> get(String key);

        /** Leaves {@code lease} in each of the keys that holds no memberships (no marker). */
        Uni<Void> lease(List<String> keys, String lease, long ttlSeconds);

        /** Replaces the key's hash by {@code fields}, only if it still holds {@code lease}. */
        Uni<Void> put(String key, String lease, Map<String, String> fields, long ttlSeconds);

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
                    if (cached == null) {
                        return truth.get().map(MembershipCache::fromTruth);
                    }
                    return fill(List.of(profileId), ids -> truth.get().map(fresh -> Map.of(profileId, fresh)))
                            .map(found -> fromTruth(found.getOrDefault(profileId, Map.of())));
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
            if (!segmentId.equals(MARKER) && !segmentId.equals(LEASE)) {
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

    private Uni<Void> write(String profileId, String lease, Map<String, Instant> memberships) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(MARKER, "1");
        // In segment id order: a small hash answers HGETALL in this order, so reads need not sort.
        memberships.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> fields.put(e.getKey(), e.getValue().toString()));
        return guarded(store().put(key(profileId), lease, fields, TTL_SECONDS)).onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Reads the profiles' memberships from {@code truth} (profile id to its memberships, absent when
     * it has none) and caches those that no invalidation touched meanwhile. Cache failures are
     * ignored: the answer is {@code truth}'s either way.
     */
    public Uni<Map<String, Map<String, Instant>>> fill(List<String> profileIds,
            Function<List<String>, Uni<Map<String, Map<String, Instant>>>> truth) {
        String lease = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return guarded(store().lease(profileIds.stream().map(MembershipCache::key).toList(), lease, LEASE_SECONDS))
                .map(v -> true)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf(e, "redis lease failed; not caching what PostgreSQL answers");
                    return false;
                })
                .chain(leased -> truth.apply(profileIds).call(found -> !leased ? Uni.createFrom().voidItem()
                        // A few writes at a time: up to a thousand at once would crowd lookups out of the pool.
                        : Multi.createFrom().iterable(profileIds)
                                .onItem().transformToUni(p -> write(p, lease, found.getOrDefault(p, Map.of()))).merge(8)
                                .collect().last().replaceWithVoid()));
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
                    return (cached == null ? truth.apply(misses) : fill(misses, truth))
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

        private static final String LEASE_EACH = """
                for _, k in ipairs(KEYS) do
                  if redis.call('hexists', k, '_') == 0 then
                    redis.call('hset', k, '~', ARGV[1])
                    redis.call('expire', k, ARGV[2])
                  end
                end
                return 0""";

        @Override
        public Uni<Void> lease(List<String> keys, String lease, long ttlSeconds) {
            List<String> args = new ArrayList<>(keys.size() + 4);
            args.add(LEASE_EACH);
            args.add(Integer.toString(keys.size()));
            args.addAll(keys);
            args.add(lease);
            args.add(Long.toString(ttlSeconds));
            return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
        }

        private static final String PUT_IF_LEASED = """
                if redis.call('hget', KEYS[1], '~') ~= ARGV[1] then return 0 end
                redis.call('del', KEYS[1])
                redis.call('hset', KEYS[1], unpack(ARGV, 3))
                redis.call('expire', KEYS[1], ARGV[2])
                return 1""";

        @Override
        public Uni<Void> put(String key, String lease, Map<String, String> fields, long ttlSeconds) {
            List<String> args = new ArrayList<>(fields.size() * 2 + 5);
            args.add(PUT_IF_LEASED);
            args.add("1");
            args.add(key);
            args.add(lease);
            args.add(Long.toString(ttlSeconds));
            fields.forEach((f, v) -> {
                args.add(f);
                args.add(v);
            });
            return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
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
