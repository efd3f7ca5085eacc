package io.touchpoint.gateway.tracking.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** Marking a call's messages as published, against the real Redis of the devstack. */
@QuarkusTest
class MessageMarkingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    MessageDeduplicator deduplicator;

    @Inject
    ReactiveRedisDataSource redis;

    private long pttl(String sourceId, String messageId) {
        return redis.key().pttl("touchpoint:gateway:published:" + sourceId + ":" + messageId).await().atMost(WAIT);
    }

    @Test
    void markedMessagesAreSeenForTheWindowAndOnlyFromTheirSource() {
        String source = "mark-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add("m-" + i);
        }
        deduplicator.markPublished(source, ids).await().atMost(WAIT);

        List<String> asked = new ArrayList<>(ids);
        asked.add("m-unmarked");
        assertEquals(Set.copyOf(ids), deduplicator.alreadyPublished(source, asked).await().atMost(WAIT));
        assertEquals(Set.of(), deduplicator.alreadyPublished("other-" + source, ids).await().atMost(WAIT));
        long ttl = pttl(source, "m-99");
        assertTrue(ttl > Duration.ofHours(24).minusMinutes(1).toMillis() && ttl <= Duration.ofHours(24).toMillis(),
                "the dedupe window is the key's time to live, got " + ttl + " ms");
    }

    @Test
    void markingAgainDoesNotExtendTheFirstPublicationsWindow() {
        String source = "remark-" + UUID.randomUUID();
        deduplicator.markPublished(source, List.of("m-1")).await().atMost(WAIT);
        redis.key().pexpire("touchpoint:gateway:published:" + source + ":m-1", 60_000).await().atMost(WAIT);

        deduplicator.markPublished(source, List.of("m-1", "m-2")).await().atMost(WAIT);

        assertTrue(pttl(source, "m-1") <= 60_000, "a duplicate must not restart the window");
        assertTrue(pttl(source, "m-2") > 60_000, "a new message in the same call gets the full window");
    }
}
