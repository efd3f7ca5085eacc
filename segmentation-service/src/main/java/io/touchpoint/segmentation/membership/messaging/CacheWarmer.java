package io.touchpoint.segmentation.membership.messaging;

import static io.touchpoint.platform.store.Json.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.NearCache;
import io.touchpoint.segmentation.membership.store.SegmentSizes;
import io.touchpoint.segmentation.cache.store.RedisStatus;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Fills Redis so the first lookups after a start do not all fall through to PostgreSQL: the sizes
 * of active segments and the memberships of the most recently changed profiles (a bounded number).
 * The same pass rewrites sizes periodically, bounding the drift of a size change lost to a Redis
 * hiccup, and after an outage in which invalidations were lost it drops every cached membership
 * first (they may be stale) and warms again. While Redis is down it is probed every second.
 */
@ApplicationScoped
public class CacheWarmer {

    private static final Logger LOG = Logger.getLogger(CacheWarmer.class);
    private static final int CHUNK = 1000;

    @Inject
    Pool pool;
    @Inject
    MembershipCache cache;
    @Inject
    SegmentSizes sizes;
    @Inject
    RedisStatus status;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Vertx vertx;
    @Inject
    NearCache near;

    @ConfigProperty(name = "touchpoint.segments.warm-profiles", defaultValue = "10000")
    int warmProfiles;
    @ConfigProperty(name = "touchpoint.segments.size-refresh-interval-ms", defaultValue = "60000")
    long refreshMs;

    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Long> timers = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        // Not through run(): a repair after lost invalidations must not be skipped because a refresh is going on.
        status.onRecovery(lost -> (lost ? flushProfiles().chain(this::warm) : warm()).subscribe().with(v -> {
        }, e -> LOG.warn("repairing the redis cache after an outage failed", e)));
        timers.add(vertx.setTimer(1, id -> run(warm())));
        timers.add(vertx.setPeriodic(refreshMs, id -> run(refreshSizes())));
        timers.add(vertx.setPeriodic(1000, id -> {
            if (status.degraded()) {
                status.probe().subscribe().with(up -> {
                });
            }
        }));
    }

    void stop(@Observes ShutdownEvent event) {
        timers.forEach(vertx::cancelTimer);
    }

    private void run(Uni<Void> work) {
        if (running.compareAndSet(false, true)) {
            work.subscribe().with(v -> running.set(false), e -> {
                LOG.warn("warming the redis cache failed; lookups read PostgreSQL until entries are rebuilt", e);
                running.set(false);
            });
        }
    }

    /** Sizes of the active segments, then the memberships of up to {@code warmProfiles} recently changed profiles. */
    public Uni<Void> warm() {
        long started = System.nanoTime();
        return refreshSizes().chain(this::warmProfiles).invoke(n -> LOG.infof(
                "warmed redis: segment sizes and the memberships of %d recent profiles in %d ms", n,
                (System.nanoTime() - started) / 1_000_000)).replaceWithVoid();
    }

    public Uni<Void> refreshSizes() {
        if (status.degraded()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT id FROM segment WHERE state = 'active' ORDER BY id").execute()
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                })
                .chain(ids -> sizes.refresh(ids, some -> pool.preparedQuery("""
                        SELECT s.id, (SELECT count(*) FROM membership m WHERE m.segment_id = s.id) FROM segment s WHERE s.id = ANY($1)""")
                        .execute(Tuple.of(some.toArray(String[]::new))).map(rows -> {
                            Map<String, Long> out = new HashMap<>();
                            rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
                            return out;
                        })));
    }

    private Uni<Integer> warmProfiles() {
        if (warmProfiles <= 0 || status.degraded()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("SELECT profile_id FROM profile_snapshot ORDER BY updated_at DESC LIMIT $1")
                .execute(Tuple.of(warmProfiles))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                })
                .chain(ids -> Multi.createFrom().iterable(chunks(ids))
                        .onItem().transformToUniAndConcatenate(this::warmChunk)
                        .collect().asList().map(l -> ids.size()));
    }

    private Uni<Void> warmChunk(List<String> ids) {
        return cache.fill(ids, some -> pool.preparedQuery("SELECT profile_id, segment_id, entered_at FROM membership WHERE profile_id = ANY($1)")
                .execute(Tuple.of(some.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Map<String, Instant>> byProfile = new HashMap<>();
                    for (Row r : rows) {
                        byProfile.computeIfAbsent(r.getString(0), p -> new TreeMap<>()).put(r.getString(1), instant(r.getOffsetDateTime(2)));
                    }
                    return byProfile;
                })).replaceWithVoid();
    }

    /** Drops every cached membership: after lost invalidations none of them can be trusted. */
    private Uni<Void> flushProfiles() {
        return redis.key().scan(new KeyScanArgs().match("touchpoint:segmentation:profile-segments:*").count(1000))
                .toMulti().group().intoLists().of(500)
                .onItem().transformToUniAndConcatenate(keys -> redis.key().unlink(keys.toArray(String[]::new)))
                .collect().last().replaceWithVoid()
                // Replicas may have copied entries in memory that the flush just removed from Redis.
                .call(near::announceFlush);
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            out.add(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
        }
        return out;
    }
}
