package io.touchpoint.gateway.source.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.source.store.SourceStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Resolves a write key to its source. Every tracking call needs this, so answers (including "no
 * such key") are kept in memory instead of asking PostgreSQL per event. Other gateway instances
 * notice a disabled or rotated key within the time to live and one lookup; this instance forgets the entry
 * at once ({@link #forget}).
 *
 * <p>An entry past its time to live is refreshed in the background by a single lookup while calls
 * go on using it, for at most another time to live. When every entry simply expired, each refresh
 * made every call arriving meanwhile wait for, and send, its own PostgreSQL query: under load (a
 * backlog being processed on the same database) that stalled the tracking API every few seconds.
 * Only a key that was not used for that long is looked up on the caller's time.
 */
@ApplicationScoped
public class WriteKeyAuthenticator {

    public enum Status {
        AUTHENTICATED, UNKNOWN, DISABLED
    }

    public record Authentication(Status status, String sourceId) {

        static final Authentication UNKNOWN = new Authentication(Status.UNKNOWN, null);
    }

    /** Used as is until {@code refreshAtNanos}, then while it refreshes until {@code expiresAtNanos}. */
    private record Cached(Authentication authentication, long refreshAtNanos, long expiresAtNanos) {
    }

    private static final Logger LOG = Logger.getLogger(WriteKeyAuthenticator.class);

    @Inject
    SourceStore sources;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "touchpoint.gateway.write-key-cache.ttl", defaultValue = "PT5S")
    Duration ttl;

    /** Unknown keys are cached too, so a flood of random keys must not grow the map without bound. */
    @ConfigProperty(name = "touchpoint.gateway.write-key-cache.max-entries", defaultValue = "10000")
    int maxEntries;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Key hashes with a background refresh under way: one at a time per key. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private Counter lookups;

    /**
     * Bumped by every {@link #forget}: a lookup that read PostgreSQL before a change committed must
     * not put the old state back into the cache after the change forgot it.
     */
    private final AtomicLong changes = new AtomicLong();

    @PostConstruct
    void init() {
        lookups = Counter.builder("touchpoint.gateway.write.key.lookups")
                .description("Write-key lookups in PostgreSQL (cache misses and background refreshes)")
                .register(registry);
    }

    public Uni<Authentication> authenticate(String writeKey) {
        String hash = WriteKeys.hash(writeKey);
        Cached cached = cache.get(hash);
        // nanoTime, not the injected business clock: tests that freeze time must not freeze the cache.
        long now = System.nanoTime();
        if (cached != null && cached.expiresAtNanos - now > 0) {
            if (cached.refreshAtNanos - now <= 0) {
                refreshInBackground(hash);
            }
            return Uni.createFrom().item(cached.authentication);
        }
        return lookup(hash);
    }

    /**
     * One lookup for the key, on a Vert.x context of its own (the database session must not be the
     * calling request's), whose answer replaces the entry; a failure leaves the entry to expire.
     */
    private void refreshInBackground(String hash) {
        if (!refreshing.add(hash)) {
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> lookup(hash)
                .eventually(() -> refreshing.remove(hash))
                .subscribe().with(authentication -> {
                }, failure -> LOG.warnf("cannot refresh a write key from PostgreSQL; its cached answer is used "
                        + "until it expires: %s", failure.toString())));
    }

    private Uni<Authentication> lookup(String hash) {
        long changesBefore = changes.get();
        lookups.increment();
        return Panache.withSession(() -> sources.findByWriteKeyHash(hash))
                .map(source -> source == null ? Authentication.UNKNOWN
                        : new Authentication(source.enabled ? Status.AUTHENTICATED : Status.DISABLED, source.id))
                .invoke(authentication -> {
                    if (changes.get() == changesBefore) {
                        remember(hash, authentication);
                    }
                });
    }

    /** Makes a rotation or a status change effective on this instance immediately. */
    public void forget(String writeKeyHash) {
        changes.incrementAndGet();
        cache.remove(writeKeyHash);
    }

    private void remember(String hash, Authentication authentication) {
        if (cache.size() >= maxEntries) {
            long now = System.nanoTime();
            cache.values().removeIf(c -> c.expiresAtNanos - now <= 0);
            if (cache.size() >= maxEntries) {
                cache.clear();
            }
        }
        long now = System.nanoTime();
        cache.put(hash, new Cached(authentication, now + ttl.toNanos(), now + 2 * ttl.toNanos()));
    }
}
