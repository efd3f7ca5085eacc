package io.touchpoint.platform.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.vertx.mutiny.core.Vertx;

/**
 * A Redis pub/sub channel on which whoever changes a Redis entry announces it, so that every
 * replica drops its in-memory copy; trusted only while it is known to work. A message missed is a
 * stale copy served, and Redis pub/sub delivers at most once, so:
 * <ul>
 * <li>each replica publishes a {@link #HEARTBEAT} every period, and a subscription that hears nothing
 * (its own heartbeat included) for three periods is given up, as is one that ends or fails;</li>
 * <li>a given-up subscription is made again on a later period, when {@code mayListen} allows;</li>
 * <li>the listener is told {@code live(false)} when one is given up and {@code live(true)} when one
 * is made: memory in front of Redis may be used only in between, and must be emptied at both
 * (a read that began before the subscription may have missed an announcement).</li>
 * </ul>
 * Not a bean: a service that keeps memory in front of Redis makes one per channel, starts it at
 * startup and stops it at shutdown. Needs {@code quarkus-redis-client} in that service.
 */
public final class InvalidationChannel {

    /** What the replicas publish to tell they (and the channel) are alive; never handed to the listener. */
    public static final String HEARTBEAT = "-";
    private static final Logger LOG = Logger.getLogger(InvalidationChannel.class);
    private static final int SILENT_PERIODS = 3;

    /** What a service does with what it hears. Called on Vert.x threads. */
    public interface Listener {

        /** An announcement published on the channel (never a heartbeat). */
        void heard(String message);

        /** Subscribed (true) or given up (false); empty the memory at both, use it only while live. */
        void live(boolean live);
    }

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final String channel;
    private final long periodMillis;
    private final Listener listener;
    private final BooleanSupplier mayListen;
    private final AtomicBoolean subscribing = new AtomicBoolean();
    /** Counts subscriptions: the end or failure of one already given up is not the current one's. */
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean listening;
    private volatile boolean stopped;
    private volatile long lastHeardNanos;
    private volatile long subscribingSinceNanos;
    private volatile ReactiveRedisSubscriber subscriber;
    private long timer = -1;

    /** @param mayListen asked before each new subscription (false while Redis is known to be away) */
    public InvalidationChannel(ReactiveRedisDataSource redis, Vertx vertx, String channel, Duration period, Listener listener,
            BooleanSupplier mayListen) {
        this.redis = redis;
        this.vertx = vertx;
        this.channel = channel;
        this.periodMillis = Math.max(1, period.toMillis());
        this.listener = listener;
        this.mayListen = mayListen;
    }

    public String name() {
        return channel;
    }

    public boolean listening() {
        return listening;
    }

    public void start() {
        subscribe();
        timer = vertx.setPeriodic(periodMillis, id -> tick());
    }

    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        giveUp(null);
    }

    private void subscribe() {
        if (stopped || !subscribing.compareAndSet(false, true)) {
            return;
        }
        int attempt = attempts.incrementAndGet();
        subscribingSinceNanos = System.nanoTime();
        redis.pubsub(String.class).subscribe(channel, this::onMessage, () -> lost(attempt, "the subscription ended"),
                e -> lost(attempt, e.toString()))
                .subscribe().with(s -> {
                    // One given up meanwhile (by stop, or by tick as too slow) is let go when it comes.
                    if (attempt != attempts.get() || stopped) {
                        unsubscribe(s);
                        return;
                    }
                    subscribing.set(false);
                    subscriber = s;
                    lastHeardNanos = System.nanoTime();
                    // Emptied before it is trusted: a read under way may predate the subscription.
                    listener.live(true);
                    listening = true;
                    LOG.debugf("listening on %s", channel);
                }, e -> {
                    if (attempt == attempts.get()) {
                        subscribing.set(false);
                    }
                    LOG.debugf("cannot subscribe to %s (%s); memory is not used until it succeeds", channel, e.toString());
                });
    }

    private void onMessage(String message) {
        lastHeardNanos = System.nanoTime();
        // A stopped channel's subscription may still deliver until Redis has taken the unsubscribe.
        if (!stopped && !HEARTBEAT.equals(message)) {
            listener.heard(message);
        }
    }

    private void lost(int attempt, String why) {
        if (attempt == attempts.get()) {
            giveUp(why);
        }
    }

    /** @param why null when stopping */
    private void giveUp(String why) {
        attempts.incrementAndGet();
        boolean was = listening;
        listening = false;
        listener.live(false);
        if (was && why != null) {
            LOG.warnf("not hearing %s (%s); memory is not used until subscribed again", channel, why);
        }
        ReactiveRedisSubscriber old = subscriber;
        subscriber = null;
        if (old != null) {
            unsubscribe(old);
        }
    }

    private void unsubscribe(ReactiveRedisSubscriber s) {
        s.unsubscribe().subscribe().with(done -> {
        }, e -> LOG.debugf("unsubscribing from %s failed (%s)", channel, e.toString()));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long silentNanos = SILENT_PERIODS * periodMillis * 1_000_000;
        if (listening && now - lastHeardNanos > silentNanos) {
            giveUp("nothing heard for " + SILENT_PERIODS * periodMillis + " ms");
        }
        if (subscribing.get() && now - subscribingSinceNanos > silentNanos) {
            // A subscription that never answers must not block the next attempt for good.
            attempts.incrementAndGet();
            subscribing.set(false);
        }
        if (!listening) {
            if (mayListen.getAsBoolean()) {
                subscribe();
            }
            return;
        }
        // A slow publish must not be taken for a dead channel: the silence check above is for that.
        redis.pubsub(String.class).publish(channel, HEARTBEAT).ifNoItem().after(Duration.ofMillis(periodMillis)).fail()
                .subscribe().with(done -> {
                }, e -> LOG.debugf("the heartbeat on %s was not published (%s)", channel, e.toString()));
    }
}
