package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.platform.time.AdjustableClock;

/** Marking a call's messages as published, against the real Redis of the devstack, on the service clock. */
@QuarkusTest
class MessageMarkingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A bucket boundary of the 24-hour window: buckets are counted from the epoch. */
    private static final Instant MIDNIGHT = Instant.parse("2031-05-04T00:00:00Z");

    @Inject
    MessageDeduplicator deduplicator;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    AdjustableClock clock;
    @ConfigProperty(name = "touchpoint.gateway.dedupe.window")
    Duration window;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private Set<String> seen(String source, List<String> ids) {
        return deduplicator.alreadyPublished(source, ids).await().atMost(WAIT);
    }

    private String bucketKey(String source, Instant at) {
        return MessageDeduplicator.key(source, Math.floorDiv(at.toEpochMilli(), window.toMillis()));
    }

    @Test
    void markedMessagesAreSeenOnlyFromTheirSource() {
        String source = "mark-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add("m-" + i);
        }
        deduplicator.markPublished(source, ids).await().atMost(WAIT);

        List<String> asked = new ArrayList<>(ids);
        asked.add("m-unmarked");
        assertEquals(Set.copyOf(ids), seen(source, asked));
        assertEquals(Set.of(), seen("other-" + source, ids));
    }

    @Test
    void aMessageIsRememberedForAtLeastTheWindowAndAtMostTwice() {
        assertEquals(Duration.ofHours(24), window);
        String source = "window-" + UUID.randomUUID();
        // Published late in a bucket: still seen a whole window later, in the next bucket.
        clock.freezeAt(MIDNIGHT.minusSeconds(1));
        deduplicator.markPublished(source, List.of("late")).await().atMost(WAIT);
        clock.freezeAt(MIDNIGHT.minusSeconds(1).plus(window));
        assertEquals(Set.of("late"), seen(source, List.of("late")));
        clock.freezeAt(MIDNIGHT.plus(window));
        assertEquals(Set.of(), seen(source, List.of("late")), "forgotten once the next bucket ended");

        // Published early in a bucket: seen until the end of the next one, just under two windows later.
        clock.freezeAt(MIDNIGHT);
        deduplicator.markPublished(source, List.of("early")).await().atMost(WAIT);
        clock.freezeAt(MIDNIGHT.plus(window.multipliedBy(2)).minusMillis(1));
        assertEquals(Set.of("early"), seen(source, List.of("early")));
        clock.freezeAt(MIDNIGHT.plus(window.multipliedBy(2)));
        assertEquals(Set.of(), seen(source, List.of("early")));
    }

    @Test
    void bucketsExpireAfterTheirLastUseAndAreUnlinkedOnceTwoNewerOnesAreInUse() {
        String source = "expiry-" + UUID.randomUUID();
        Instant noon = MIDNIGHT.plus(Duration.ofHours(12));
        clock.freezeAt(noon);
        deduplicator.markPublished(source, List.of("a")).await().atMost(WAIT);
        long ttl = redis.key().pttl(bucketKey(source, noon)).await().atMost(WAIT);
        // The end of the next bucket and a whole window more: 12 h + 24 h + 24 h from noon.
        long expected = Duration.ofHours(60).toMillis();
        assertTrue(ttl > expected - 60_000 && ttl <= expected, "expires after its last use as a backstop, got " + ttl + " ms");

        clock.freezeAt(noon.plus(window));
        deduplicator.markPublished(source, List.of("b")).await().atMost(WAIT);
        assertTrue(redis.key().exists(bucketKey(source, noon)).await().atMost(WAIT), "the previous bucket is still looked in");
        clock.freezeAt(noon.plus(window.multipliedBy(2)));
        deduplicator.markPublished(source, List.of("c")).await().atMost(WAIT);
        assertFalse(redis.key().exists(bucketKey(source, noon)).await().atMost(WAIT),
                "two buckets on, nobody looks in it: unlinked");
        assertEquals(Set.of("b", "c"), seen(source, List.of("a", "b", "c")));
    }
}
