package io.touchpoint.segmentation.membership.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.cache.InvalidationChannel;
import io.touchpoint.segmentation.membership.domain.EnteredSegment;
import io.touchpoint.segmentation.cache.store.RedisStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.core.Vertx;

/**
 * In-process copies of hot profiles' Redis entries (an L1 in front of Redis), so that a repeated
 * lookup costs no Redis round trip. Memberships of a profile change on whichever replica consumes its
 * partition, so every replica must hear of every change: {@link MembershipCache#invalidate} deletes
 * the Redis entries and publishes their profile ids on {@link #CHANNEL} in one script, and each
 * replica drops what it hears. The copies are only used while that is known to work:
 * <ul>
 * <li>while the {@link InvalidationChannel} is live: subscribed, and heard from recently (every
 * replica publishes a heartbeat); the copies are dropped whenever it is given up or made again;</li>
 * <li>while Redis answers ({@link RedisStatus}): during an outage invalidations cannot be published,
 * so the copies are bypassed, and dropped when it ends;</li>
 * <li>for at most the TTL, a safety net for a lost message the above did not notice.</li>
 * </ul>
 * A copy is only kept when no invalidation of its profile was heard while its Redis read was under
 * way (a per-stripe counter taken before the read), so a read racing a change cannot re-insert the
 * old entry. Bounded: when full, new profiles are not copied until expired copies are swept.
 */
@ApplicationScoped
public class NearCache implements InvalidationChannel.Listener {

    private static final Logger LOG = Logger.getLogger(NearCache.class);
    public static final String CHANNEL = "touchpoint:segmentation:profile-segments:invalidated";
    /** Everything is invalid (after the cache was flushed). */
    static final String ALL = "*";
    private static final int STRIPES = 1024;

    private record Copy(List<EnteredSegment> segments, long expiresAtNanos) {
    }

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisStatus status;
    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "touchpoint.segments.near-cache.capacity", defaultValue = "100000")
    int capacity;
    @ConfigProperty(name = "touchpoint.segments.near-cache.ttl-ms", defaultValue = "5000")
    long ttlMs;
    @ConfigProperty(name = "touchpoint.segments.near-cache.heartbeat-ms", defaultValue = "1000")
    long heartbeatMs;

    private final ConcurrentHashMap<String, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLongArray invalidations = new AtomicLongArray(STRIPES);
    private volatile boolean listening;
    private InvalidationChannel channel;
    private long sweeper = -1;

    void start(@Observes StartupEvent event) {
        if (!enabled()) {
            return;
        }
        Gauge.builder("touchpoint.segments.near.cache.size", copies, ConcurrentHashMap::size)
                .description("profiles whose segments this replica holds in memory").register(registry);
        Gauge.builder("touchpoint.segments.near.cache.listening", this, c -> c.listening ? 1 : 0)
                .description("1 while this replica hears membership invalidations (the near cache is in use)")
                .register(registry);
        status.onRecovery(lost -> dropAll());
        channel = new InvalidationChannel(redis, vertx, CHANNEL, Duration.ofMillis(heartbeatMs), this, () -> !status.degraded());
        channel.start();
        sweeper = vertx.setPeriodic(heartbeatMs, id -> sweep());
    }

    void stop(@Observes ShutdownEvent event) {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        if (channel != null) {
            channel.stop();
        }
    }

    private boolean enabled() {
        return capacity > 0 && ttlMs > 0;
    }

    /** The profile's segments if held, fresh and trustworthy now; else null (read Redis). */
    public List<EnteredSegment> get(String profileId) {
        if (!listening || status.degraded()) {
            return null;
        }
        Copy copy = copies.get(profileId);
        if (copy == null) {
            return null;
        }
        if (System.nanoTime() - copy.expiresAtNanos() >= 0) {
            copies.remove(profileId, copy);
            return null;
        }
        return copy.segments();
    }

    /** Taken before reading Redis, and handed to {@link #put} with what the read found. */
    public long ticket(String profileId) {
        return invalidations.get(stripe(profileId));
    }

    /** Keeps what Redis answered unless an invalidation of the profile was heard since {@code ticket}. */
    public void put(String profileId, List<EnteredSegment> segments, long ticket) {
        if (!listening || status.degraded() || copies.size() >= capacity) {
            return;
        }
        Copy copy = new Copy(List.copyOf(segments), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttlMs));
        copies.put(profileId, copy);
        // Checked after the insert: an invalidation counts first and removes second, so either it
        // removes this copy or this check sees its count.
        if (invalidations.get(stripe(profileId)) != ticket) {
            copies.remove(profileId, copy);
        }
    }

    /** Forgets these profiles here (the caller publishes to the other replicas). */
    public void drop(Collection<String> profileIds) {
        for (String profileId : profileIds) {
            invalidations.incrementAndGet(stripe(profileId));
            copies.remove(profileId);
        }
    }

    /** Forgets everything here, and voids every read under way. */
    public void dropAll() {
        for (int i = 0; i < STRIPES; i++) {
            invalidations.incrementAndGet(i);
        }
        copies.clear();
    }

    /** What {@link MembershipCache#invalidate} publishes for these profiles. */
    static String message(Collection<String> profileIds) {
        return new JsonArray(List.copyOf(profileIds)).encode();
    }

    /** Tells every replica (this one included) to forget everything, e.g. after the Redis entries were flushed. */
    public Uni<Void> announceFlush() {
        dropAll();
        if (!enabled()) {
            return Uni.createFrom().voidItem();
        }
        return status.guard(redis.pubsub(String.class).publish(CHANNEL, ALL)).onFailure().recoverWithNull();
    }

    private static int stripe(String profileId) {
        return profileId.hashCode() & (STRIPES - 1);
    }

    @Override
    public void heard(String message) {
        if (ALL.equals(message)) {
            dropAll();
            return;
        }
        try {
            JsonArray ids = new JsonArray(message);
            for (int i = 0; i < ids.size(); i++) {
                String profileId = ids.getString(i);
                invalidations.incrementAndGet(stripe(profileId));
                copies.remove(profileId);
            }
        } catch (RuntimeException e) {
            // Not ours to understand; forgetting everything is always safe.
            LOG.debugf("unreadable invalidation %s: %s", message, e.getMessage());
            dropAll();
        }
    }

    @Override
    public void live(boolean live) {
        if (live) {
            // Reads that began before the subscription could have missed an invalidation.
            dropAll();
            listening = true;
        } else {
            listening = false;
            dropAll();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        copies.values().removeIf(c -> now - c.expiresAtNanos() >= 0);
    }
}
