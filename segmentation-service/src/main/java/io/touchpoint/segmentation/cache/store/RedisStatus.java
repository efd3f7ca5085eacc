package io.touchpoint.segmentation.cache.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ConnectionPoolTooBusyException;

/**
 * Whether Redis answers. Redis is only a cache, so an outage must cost latency to PostgreSQL, not
 * availability: every Redis call goes through {@link #guard}, which bounds it with a short timeout
 * and, once a call failed, skips Redis entirely (failing fast) until a probe gets an answer again.
 * Writes that could not reach Redis (invalidations, size changes) leave entries that may be stale;
 * listeners hear about it on recovery and repair the cache.
 */
@ApplicationScoped
public class RedisStatus {

    private static final Logger LOG = Logger.getLogger(RedisStatus.class);

    /** Thrown instead of calling Redis while it is known to be down. */
    public static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("redis is unavailable", null, false, false);
        }
    }

    @Inject
    ReactiveRedisDataSource redis;

    @ConfigProperty(name = "touchpoint.redis.timeout-ms", defaultValue = "250")
    long timeoutMs;

    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean writesLost = new AtomicBoolean();
    private volatile String lastError;
    private final List<Consumer<Boolean>> recoveryListeners = new CopyOnWriteArrayList<>();

    public boolean degraded() {
        return down.get();
    }

    public String lastError() {
        return lastError;
    }

    /** The call, bounded in time; fails at once while Redis is down. */
    public <T> Uni<T> guard(Uni<T> call) {
        return Uni.createFrom().deferred(() -> down.get() ? Uni.createFrom().<T> failure(new Unavailable())
                : call.ifNoItem().after(Duration.ofMillis(timeoutMs)).fail().onFailure().invoke(this::failed));
    }

    /** A write the cache needed did not happen; on recovery the listeners learn it must be repaired. */
    public void writeLost() {
        writesLost.set(true);
    }

    /** Called with {@code true} when writes were lost during the outage that just ended. */
    public void onRecovery(Consumer<Boolean> listener) {
        recoveryListeners.add(listener);
    }

    /** Pings Redis (even while it is marked down); a success ends an outage. */
    public Uni<Boolean> probe() {
        return redis.execute("PING").ifNoItem().after(Duration.ofMillis(Math.max(timeoutMs, 500))).fail()
                .map(r -> {
                    recovered();
                    return true;
                })
                .onFailure().recoverWithItem(e -> {
                    failed(e);
                    return false;
                });
    }

    private void failed(Throwable e) {
        if (e instanceof Unavailable || e instanceof ConnectionPoolTooBusyException) {
            // Our own pool is saturated: that call reads PostgreSQL, but Redis itself is fine.
            return;
        }
        lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (down.compareAndSet(false, true)) {
            LOG.warnf("redis is unavailable (%s); lookups fall back to PostgreSQL", lastError);
        }
    }

    private void recovered() {
        if (down.compareAndSet(true, false)) {
            boolean lost = writesLost.getAndSet(false);
            LOG.infof("redis answers again%s", lost ? "; repairing entries that missed updates" : "");
            recoveryListeners.forEach(l -> l.accept(lost));
        }
    }
}
