package io.touchpoint.gateway.content.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.touchpoint.gateway.content.domain.Visitor;

class VisitorNearCacheTest {

    private static final List<String> KEYS = VisitorCache.idKeys("u1", "a1");
    private final AtomicLong now = new AtomicLong();
    private final Visitor ann = new Visitor("p1", Map.of("firstName", "Ann"), Map.of(), List.of(), Set.of("s1"));
    private VisitorNearCache near;

    @BeforeEach
    void live() {
        near = new VisitorNearCache(Duration.ofSeconds(60).toNanos(), 100, now::get);
        near.live(true);
    }

    @Test
    void aVisitorReadIsAnsweredFromMemoryUntilAnyOfItsKeysIsAnnounced() {
        var miss = assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
        near.remember(miss, KEYS, 1, ann);
        // The userId named nobody, the anonymousId named Ann.
        assertEquals(ann, assertInstanceOf(VisitorNearCache.Hit.class, near.lookup(KEYS)).visitor());
        assertEquals(ann, assertInstanceOf(VisitorNearCache.Hit.class, near.lookup(List.of(KEYS.get(1)))).visitor());

        near.forget(List.of(VisitorCache.PROFILE + "p1"));
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
    }

    @Test
    void anUnknownVisitorIsRememberedAsNobodyUntilTheirIdIsAnnounced() {
        var miss = assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
        near.remember(miss, KEYS, -1, null);
        assertNull(assertInstanceOf(VisitorNearCache.Hit.class, near.lookup(KEYS)).visitor());

        near.forget(List.of(KEYS.get(0)));
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
    }

    @Test
    void aReadThatAnAnnouncementOvertookIsNotRemembered() {
        var miss = assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
        near.forget(List.of(VisitorCache.PROFILE + "someone-else"));
        near.remember(miss, KEYS, 1, ann);
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
    }

    @Test
    void entriesExpireAfterTheBound() {
        near.remember((VisitorNearCache.Miss) near.lookup(KEYS), KEYS, 0, ann);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertInstanceOf(VisitorNearCache.Hit.class, near.lookup(KEYS));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
    }

    @Test
    void withoutTheSubscriptionNothingIsRememberedAndLosingItForgetsEverything() {
        near.remember((VisitorNearCache.Miss) near.lookup(KEYS), KEYS, 0, ann);
        near.live(false);
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
        near.remember((VisitorNearCache.Miss) near.lookup(KEYS), KEYS, 0, ann);
        near.live(true);
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
        assertEquals(0, near.size());
    }

    @Test
    void nobodyIsRememberedForSecondsOnly() {
        near.remember((VisitorNearCache.Miss) near.lookup(KEYS), KEYS, -1, null);
        now.addAndGet(VisitorNearCache.NOBODY_TTL_NANOS + 1);
        assertInstanceOf(VisitorNearCache.Miss.class, near.lookup(KEYS));
    }

    @Test
    void aFullMemoryDropsWhatExpiredFirstAndStartsAgainEmptyWhenThatIsNotEnough() {
        VisitorNearCache small = new VisitorNearCache(Duration.ofSeconds(60).toNanos(), 10, now::get);
        small.live(true);
        strangers(small, 0, 8);
        small.remember((VisitorNearCache.Miss) small.lookup(KEYS), KEYS, 0, ann);
        assertEquals(10, small.size());
        now.addAndGet(VisitorNearCache.NOBODY_TTL_NANOS + 1);
        strangers(small, 8, 1);
        // The strangers expired and made room; Ann is still known.
        assertEquals(3, small.size());
        assertEquals(ann, assertInstanceOf(VisitorNearCache.Hit.class, small.lookup(KEYS)).visitor());

        strangers(small, 9, 7);
        assertEquals(10, small.size());
        strangers(small, 16, 1);
        assertEquals(0, small.size());
    }

    private static void strangers(VisitorNearCache near, int from, int count) {
        for (int i = from; i < from + count; i++) {
            List<String> keys = VisitorCache.idKeys(null, "stranger-" + i);
            near.remember((VisitorNearCache.Miss) near.lookup(keys), keys, -1, null);
        }
    }
}
