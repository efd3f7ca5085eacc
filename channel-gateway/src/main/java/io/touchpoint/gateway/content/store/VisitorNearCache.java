package io.touchpoint.gateway.content.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.touchpoint.gateway.content.domain.Visitor;

/**
 * This replica's memory of visitors it read from the Redis copy, so a returning visitor is decided
 * without a round trip. Entries are keyed as the Redis keys they stand for: an id key names its
 * profile (or that it names none), a profile key holds the visitor. Whoever changes a key in Redis
 * announces it ({@link VisitorChanges}) and every replica forgets it; an announcement this replica
 * may have missed (its subscription dropped) empties the memory, and every entry also expires after
 * a bound, the staleness a replica can show at worst. When full, what expired is dropped, and when
 * that is not a tenth of it, everything.
 *
 * <p>A read that was under way while an announcement arrived is not remembered: it may hold what
 * Redis had before the change ({@link #generation()} tells).
 */
public final class VisitorNearCache {

    /** An id key known to name no profile. */
    private static final String NONE = "";
    /**
     * How long "names nobody" is remembered at most: enough for a new visitor's first pages, short
     * enough that a stream of one-time visitors does not fill the memory.
     */
    static final long NOBODY_TTL_NANOS = 5_000_000_000L;

    private record Entry(Object value, long expiresAt) {
    }

    /** What memory says of a visitor: known (perhaps as nobody), or not known here. */
    public sealed interface Lookup {
    }

    /** The visitor the ids name, null when they name nobody. */
    public record Hit(Visitor visitor) implements Lookup {
    }

    /** Not in memory: Redis is asked, and what it answers remembered unless the generation moved meanwhile. */
    public record Miss(long generation) implements Lookup {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private volatile boolean live;

    public VisitorNearCache(long ttlNanos, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** @param idKeys the Redis id keys of the request, in the order Redis is asked */
    public Lookup lookup(List<String> idKeys) {
        long g = generation.get();
        if (!live || maxEntries <= 0) {
            return new Miss(g);
        }
        long now = nanoTime.getAsLong();
        for (String idKey : idKeys) {
            Object profileId = valueOf(idKey, now);
            if (profileId == null) {
                return new Miss(g);
            }
            if (NONE.equals(profileId)) {
                continue;
            }
            Object visitor = valueOf(VisitorCache.PROFILE + profileId, now);
            return visitor instanceof Visitor v ? new Hit(v) : new Miss(g);
        }
        return new Hit(null);
    }

    /**
     * Remembers what Redis answered for these id keys: the key at {@code resolved} names the visitor,
     * those before it name nobody ({@code resolved} -1 and a null visitor: none names anybody).
     */
    public void remember(Miss miss, List<String> idKeys, int resolved, Visitor visitor) {
        if (!live || maxEntries <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> now - e.expiresAt() > 0);
            if (entries.size() >= maxEntries * 9L / 10) {
                clear();
                return;
            }
        }
        long expiresAt = now + ttlNanos;
        long nobodyExpiresAt = now + Math.min(ttlNanos, NOBODY_TTL_NANOS);
        List<String> written = new ArrayList<>(3);
        int last = visitor == null ? idKeys.size() - 1 : Math.min(resolved, idKeys.size() - 1);
        for (int i = 0; i <= last; i++) {
            boolean names = visitor != null && i == resolved;
            entries.put(idKeys.get(i), names ? new Entry(visitor.profileId(), expiresAt) : new Entry(NONE, nobodyExpiresAt));
            written.add(idKeys.get(i));
        }
        if (visitor != null) {
            String key = VisitorCache.PROFILE + visitor.profileId();
            entries.put(key, new Entry(visitor, expiresAt));
            written.add(key);
        }
        // An announcement arrived while Redis was asked: what was read may predate it.
        if (generation.get() != miss.generation()) {
            written.forEach(entries::remove);
        }
    }

    /** The generation moves with every forgetting; a read remembers only within the generation it began in. */
    public long generation() {
        return generation.get();
    }

    /** Redis keys changed: forget them. */
    public void forget(List<String> keys) {
        generation.incrementAndGet();
        keys.forEach(entries::remove);
    }

    /** Changes may have been missed (or memory is full): forget everything. */
    public void clear() {
        generation.incrementAndGet();
        entries.clear();
    }

    /** Whether announcements are being received; memory is used only then. */
    public void live(boolean live) {
        clear();
        this.live = live;
    }

    public int size() {
        return entries.size();
    }

    private Object valueOf(String key, long now) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (now - e.expiresAt() > 0) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }
}
