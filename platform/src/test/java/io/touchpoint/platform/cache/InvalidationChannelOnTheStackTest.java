package io.touchpoint.platform.cache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.TouchpointTestResource;
import io.vertx.mutiny.core.Vertx;

/** The channel the near caches run on, against the stack's real Redis. */
@QuarkusTest
@QuarkusTestResource(value = TouchpointTestResource.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class InvalidationChannelOnTheStackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration PERIOD = Duration.ofMillis(200);

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Vertx vertx;

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final List<Boolean> live = new CopyOnWriteArrayList<>();
    private final String name = "touchpoint:test:invalidations:" + UUID.randomUUID();
    private InvalidationChannel channel;
    private ReactiveRedisSubscriber observer;

    private void start() {
        channel = new InvalidationChannel(redis, vertx, name, PERIOD, new InvalidationChannel.Listener() {
            @Override
            public void heard(String message) {
                heard.add(message);
            }

            @Override
            public void live(boolean now) {
                live.add(now);
            }
        }, () -> true);
        channel.start();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.stop();
        }
    }

    private void publish(String message) {
        redis.pubsub(String.class).publish(name, message).await().atMost(WAIT);
    }

    /** Everything published on the channel, as another replica hears it. */
    private List<String> observe() {
        List<String> seen = new CopyOnWriteArrayList<>();
        observer = redis.pubsub(String.class).subscribe(name, seen::add).await().atMost(WAIT);
        return seen;
    }

    @AfterEach
    void stopObserving() {
        if (observer != null) {
            observer.unsubscribe().await().atMost(WAIT);
        }
    }

    @Test
    void announcementsAreHeardAndHeartbeatsAreNot() {
        List<String> seen = observe();
        start();
        await().atMost(WAIT).until(channel::listening);
        assertEquals(List.of(true), live);

        publish("[\"k1\"]");
        await().atMost(WAIT).until(() -> seen.contains(InvalidationChannel.HEARTBEAT) && heard.contains("[\"k1\"]"));
        // Published after a heartbeat, so heard after it: by then the heartbeat went by, not handed over.
        publish("[\"k2\"]");
        await().atMost(WAIT).until(() -> heard.contains("[\"k2\"]"));
        assertEquals(List.of("[\"k1\"]", "[\"k2\"]"), heard);
        assertEquals(List.of(true), live);
    }

    @Test
    void aLostSubscriptionIsGivenUpThenMadeAgain() {
        start();
        await().atMost(WAIT).until(channel::listening);

        // Whatever was published meanwhile was missed: the memory must be emptied and not used until subscribed again.
        redis.execute("CLIENT", "KILL", "TYPE", "pubsub").await().atMost(WAIT);
        await().atMost(WAIT).until(() -> live.size() >= 3 && live.get(live.size() - 1) && channel.listening());
        assertEquals(List.of(true, false), live.subList(0, 2));

        publish("[\"k3\"]");
        await().atMost(WAIT).until(() -> heard.contains("[\"k3\"]"));
    }

    @Test
    void aStoppedChannelIsNotLiveAndHearsNothing() {
        start();
        await().atMost(WAIT).until(channel::listening);
        channel.stop();
        assertFalse(channel.listening());
        assertEquals(List.of(true, false), live);

        List<String> seen = observe();
        publish("[\"k4\"]");
        await().atMost(WAIT).until(() -> seen.contains("[\"k4\"]"));
        assertEquals(List.of(), heard);
    }
}
