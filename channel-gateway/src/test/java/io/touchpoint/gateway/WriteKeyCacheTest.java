package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static io.touchpoint.gateway.support.Gateway.basic;
import static io.touchpoint.gateway.support.Gateway.json;
import static io.touchpoint.gateway.support.Gateway.map;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The write-key cache under traffic: a used entry is refreshed by one background lookup per time to
 * live, however many calls arrive meanwhile, and a change made elsewhere (another gateway instance)
 * reaches this one through that refresh.
 */
@QuarkusTest
class WriteKeyCacheTest {

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @ConfigProperty(name = "touchpoint.gateway.write-key-cache.ttl")
    Duration ttl;

    @Inject
    MeterRegistry registry;
    @Inject
    Pool pool;

    private double lookups() {
        return registry.counter("touchpoint.gateway.write.key.lookups").count();
    }

    private static int track(String writeKey) {
        return given().header("Authorization", basic(writeKey)).contentType("application/json")
                .body(json(map("messageId", "cache-" + UUID.randomUUID(), "userId", "u-cache", "event", "Cache Check")))
                .post("/v1/track").then().extract().statusCode();
    }

    @Test
    void concurrentCallsShareOneLookupPerRefresh() throws Exception {
        Gateway.CreatedSource source = new Gateway(new TestTokens(privateKey, issuer)).createSource("Busy app " + UUID.randomUUID());
        assertEquals(200, track(source.writeKey()));
        double start = lookups();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<List<Integer>>> statuses = new ArrayList<>();
        List<Double> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            for (int c = 0; c < 8; c++) {
                statuses.add(callers.submit(() -> {
                    List<Integer> answered = new ArrayList<>();
                    while (!stop.get()) {
                        answered.add(track(source.writeKey()));
                        seen.add(lookups() - start);
                    }
                    return answered;
                }));
            }
            // Two refreshes of this key (and possibly of the default source's, used by other tests) under way.
            await().atMost(ttl.multipliedBy(6)).until(() -> lookups() - start >= 2);
        } finally {
            stop.set(true);
            callers.shutdown();
        }
        List<Integer> all = new ArrayList<>();
        for (Future<List<Integer>> f : statuses) {
            all.addAll(f.get());
        }
        assertTrue(all.size() > 50, "the callers kept calling through the refreshes: " + all.size());
        assertTrue(all.stream().allMatch(s -> s == 200), "every call was accepted: " + all.stream().distinct().toList());
        // Eight callers hitting an expired entry used to send up to eight lookups at once; now the
        // count rises one lookup at a time, a time to live apart.
        List<Double> observed = new ArrayList<>(seen);
        for (int i = 1; i < observed.size(); i++) {
            assertTrue(observed.get(i) - observed.get(i - 1) <= 1.0 || observed.get(i) < observed.get(i - 1),
                    "lookups jumped from " + observed.get(i - 1) + " to " + observed.get(i));
        }
    }

    @Test
    void aKeyDisabledElsewhereIsRefusedAfterTheNextRefresh() {
        Gateway.CreatedSource source = new Gateway(new TestTokens(privateKey, issuer)).createSource("Kiosk " + UUID.randomUUID());
        assertEquals(200, track(source.writeKey()));
        // As another gateway instance would: straight in the database, without this instance forgetting its entry.
        pool.preparedQuery("UPDATE source SET enabled = false WHERE id = $1").execute(Tuple.of(source.id()))
                .await().atMost(Duration.ofSeconds(10));
        await().atMost(ttl.multipliedBy(4)).until(() -> track(source.writeKey()) == 401);
        given().header("Authorization", basic(source.writeKey())).contentType("application/json")
                .body(json(map("messageId", "cache-" + UUID.randomUUID(), "userId", "u-cache", "event", "Cache Check")))
                .post("/v1/track")
                .then().statusCode(401).contentType("application/problem+json");
    }
}
