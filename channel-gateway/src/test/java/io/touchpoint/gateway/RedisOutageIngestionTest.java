package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static io.touchpoint.gateway.support.Gateway.basic;
import static io.touchpoint.gateway.support.Gateway.json;
import static io.touchpoint.gateway.support.Gateway.map;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.RedisOutage;
import io.touchpoint.gateway.support.InteractionLog;

/**
 * Tracking while the devstack's real Redis hangs (frozen with SIGSTOP): every call is still accepted
 * and published, the dedupe circuit opens so calls stop waiting on Redis, and once Redis answers
 * again duplicates are caught again.
 */
@QuarkusTest
class RedisOutageIngestionTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.gateway.default-source.write-key")
    String writeKey;
    @ConfigProperty(name = "touchpoint.devstack.dir")
    String devstackDir;

    @Inject
    MeterRegistry registry;

    private static Map<String, Object> track(String messageId, String userId) {
        return map("messageId", messageId, "userId", userId, "event", "Outage Check");
    }

    private int post(Object body) {
        return given().header("Authorization", basic(writeKey)).contentType("application/json").body(json(body))
                .post("/v1/track").then().extract().statusCode();
    }

    private double opened() {
        double opened = 0;
        for (Counter counter : Search.in(registry).name("ft.circuitbreaker.opened.total").counters()) {
            opened += counter.count();
        }
        return opened;
    }

    @Test
    void aHungRedisNeitherFailsNorHoldsUpIngestion() throws Exception {
        String userId = "outage-" + UUID.randomUUID();
        List<String> sent = new ArrayList<>();
        double openedBefore = opened();
        try (RedisOutage outage = RedisOutage.of(Path.of(devstackDir)).begin()) {
            // Each call's check and mark time out until the breaker has seen enough of them to open.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String messageId = "during-" + UUID.randomUUID();
                sent.add(messageId);
                assertEquals(200, post(track(messageId, userId)), "accepted although Redis does not answer");
                return opened() > openedBefore;
            });
            // Open: calls go straight to the broker.
            for (int i = 0; i < 5; i++) {
                String messageId = "open-" + i + "-" + UUID.randomUUID();
                sent.add(messageId);
                assertEquals(200, post(track(messageId, userId)));
            }
        }
        InteractionLog log = InteractionLog.of(bootstrap);
        for (String messageId : sent) {
            log.awaitOne(messageId);
        }

        // Answering again: after the breaker's delay trial calls close it, and a repeat is not published twice.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String repeated = "after-" + UUID.randomUUID();
            assertEquals(200, post(track(repeated, userId)));
            log.awaitOne(repeated);
            assertEquals(200, post(track(repeated, userId)));
            return sentinelShowsNoCopy(log, userId, repeated);
        });
        assertTrue(opened() > openedBefore);
    }

    /** A later message of the same user lands on the same partition after any copy of {@code messageId} would. */
    private boolean sentinelShowsNoCopy(InteractionLog log, String userId, String messageId) {
        String sentinel = "sentinel-" + UUID.randomUUID();
        assertEquals(200, post(track(sentinel, userId)));
        log.awaitOne(sentinel);
        return log.withMessageId(messageId).size() == 1;
    }
}
