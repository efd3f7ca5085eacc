package io.touchpoint.gateway.source.domain;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.source.store.SourceStore;

/**
 * Resolves a write key to its source. Every tracking call needs this, so answers (including "no
 * such key") are kept in memory for a few seconds instead of asking PostgreSQL per event. Other
 * gateway instances notice a disabled or rotated key when their entry expires; this instance
 * forgets the entry at once ({@link #forget}).
 */
@ApplicationScoped
public class WriteKeyAuthenticator {

    public enum Status {
        AUTHENTICATED, UNKNOWN, DISABLED
    }

    public record Authentication(Status status, String sourceId) {

        static final Authentication UNKNOWN = new Authentication(Status.UNKNOWN, null);
    }

    private record Cached(Authentication authentication, long expiresAtNanos) {
    }

    @Inject
    SourceStore sources;

    @ConfigProperty(name = "touchpoint.gateway.write-key-cache.ttl", defaultValue = "PT5S")
    Duration ttl;

    /** Unknown keys are cached too, so a flood of random keys must not grow the map without bound. */
    @ConfigProperty(name = "touchpoint.gateway.write-key-cache.max-entries", defaultValue = "10000")
    int maxEntries;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * Bumped by every {@link #forget}: a lookup that read PostgreSQL before a change committed must
     * not put the old state back into the cache after the change forgot it.
     */
    private final AtomicLong changes = new AtomicLong();

    public Uni<Authentication> authenticate(String writeKey) {
        String hash = WriteKeys.hash(writeKey);
        Cached cached = cache.get(hash);
        // nanoTime, not the injected business clock: tests that freeze time must not freeze the cache.
        if (cached != null && cached.expiresAtNanos - System.nanoTime() > 0) {
            return Uni.createFrom().item(cached.authentication);
        }
        long changesBefore = changes.get();
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
        cache.put(hash, new Cached(authentication, System.nanoTime() + ttl.toNanos()));
    }
}
