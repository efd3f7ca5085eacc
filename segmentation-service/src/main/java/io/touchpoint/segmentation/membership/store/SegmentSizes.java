package io.touchpoint.segmentation.membership.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.cache.store.RedisStatus;

/**
 * Segment sizes in Redis. Each committed transaction adds its net change per segment, but only to a
 * size that is cached (a missing size is never made up from deltas), and bumps the segment's
 * generation. A refresh from PostgreSQL stores a count only if the generation read before counting
 * is still current, so a count that may have missed a concurrent change is never stored over it. The
 * gap left, a change committed before the count whose addition arrives after the store, is small
 * (additions run right after commit) and closed by the next refresh.
 */
@ApplicationScoped
public class SegmentSizes {

    private static final Logger LOG = Logger.getLogger(SegmentSizes.class);
    static final long TTL_SECONDS = 3600;
    private static final String ADD = """
            redis.call('incr', KEYS[2])
            redis.call('expire', KEYS[2], ARGV[2])
            if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
            return false""";
    private static final String SET_IF_GENERATION = """
            if (redis.call('get', KEYS[2]) or '0') == ARGV[1] then
              redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3])
              return 1
            end
            return 0""";

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisStatus status;

    static String key(String segmentId) {
        return "touchpoint:segmentation:segment-size:" + segmentId;
    }

    static String generationKey(String segmentId) {
        return "touchpoint:segmentation:segment-size-generation:" + segmentId;
    }

    /**
     * The segment's current size, from Redis when cached, else counted by {@code truth}. A count is
     * not stored here: a transaction committed before it but not yet added would be counted twice
     * (a bulk page's addition trails its commit by the invalidation of a thousand entries). Sizes
     * are stored by {@link #refresh}, which the warmer runs at start, periodically and after outages.
     */
    public Uni<Long> size(String segmentId, java.util.function.Supplier<Uni<Long>> truth) {
        return status.guard(redis.value(String.class).get(key(segmentId)))
                .onFailure().recoverWithNull()
                .chain(cached -> cached != null ? Uni.createFrom().item(Long.parseLong(cached)) : truth.get());
    }

    /** Applies the net changes of a committed transaction. */
    public Uni<Void> add(Map<String, Long> deltas) {
        if (deltas.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> adds = new ArrayList<>();
        deltas.forEach((segment, delta) -> adds.add(status.guard(redis.execute("EVAL", ADD, "2", key(segment),
                generationKey(segment), Long.toString(delta), Long.toString(2 * TTL_SECONDS))).replaceWithVoid()));
        return Uni.join().all(adds).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> {
                    LOG.debugf("segment size changes %s did not reach redis: %s", deltas, e.getMessage());
                    status.writeLost();
                })
                .onFailure().recoverWithNull();
    }

    /**
     * Rewrites the cached sizes of the given segments from {@code count} (segment id to its size in
     * PostgreSQL); a segment that changed meanwhile keeps its size, which is then the more recent.
     */
    public Uni<Void> refresh(List<String> segmentIds, Function<List<String>, Uni<Map<String, Long>>> count) {
        if (segmentIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return status.guard(redis.value(String.class).mget(segmentIds.stream().map(SegmentSizes::generationKey)
                .toArray(String[]::new)))
                .chain(generations -> count.apply(segmentIds).chain(sizes -> {
                    List<Uni<Void>> stores = new ArrayList<>();
                    sizes.forEach((segment, n) -> stores.add(
                            storeIfCurrent(segment, generationOf(generations.get(generationKey(segment))), n)));
                    return stores.isEmpty() ? Uni.createFrom().voidItem()
                            : Uni.join().all(stores).andCollectFailures().replaceWithVoid();
                }))
                .onFailure().recoverWithNull();
    }

    /** Drops cached sizes. */
    public Uni<Void> forget(Collection<String> segmentIds) {
        if (segmentIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return status.guard(redis.key().del(segmentIds.stream().map(SegmentSizes::key).toArray(String[]::new)))
                .onFailure().invoke(e -> status.writeLost())
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> storeIfCurrent(String segmentId, String generation, long size) {
        return status.guard(redis.execute("EVAL", SET_IF_GENERATION, "2", key(segmentId), generationKey(segmentId),
                generation, Long.toString(size), Long.toString(TTL_SECONDS)))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static String generationOf(String stored) {
        return stored == null ? "0" : stored;
    }
}
