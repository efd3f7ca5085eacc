package io.touchpoint.gateway.tracking.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Remembers which (source, messageId) pairs reached the broker, for at least the dedupe window, so
 * that an SDK retrying a call whose answer it lost gets 200 without the interaction being published
 * again.
 *
 * <p>Check, publish, then mark: marking before publishing would lose an interaction whose publish
 * fails. Two identical calls racing can therefore both publish; that is acceptable because
 * consumers are idempotent on (sourceId, messageId) anyway. This is an optimization, not the
 * guarantee, so a Redis outage never fails ingestion: it degrades to publishing every call, and
 * {@link DedupeRedis} keeps a Redis that hangs from holding up every call.
 *
 * <p>Marks are kept per source in one Redis hash per window-long bucket of the service clock
 * (field: the messageId), and a call looks in the current and the previous bucket: a message is
 * remembered from its publication until the end of the next bucket, at least one window and at
 * most two. A key per message cost a SET with its own expiry per message plus an MGET argument,
 * in the gateway's CPU and in Redis' (measured: benchmarks/README.md, "Dedupe marks per call");
 * a call now costs two HMGETs, one HSET and one PEXPIRE. The bucket before the previous one is
 * unlinked (freed by Redis in the background) when this instance first marks into a new bucket, so
 * that a large hash never expires, and is freed, in Redis' main thread; its expiry is only a backstop
 * for a source that stopped sending.
 */
@ApplicationScoped
public class MessageDeduplicator {

    private static final Logger LOG = Logger.getLogger(MessageDeduplicator.class);
    static final String KEY_PREFIX = "touchpoint:gateway:published:";
    private static final String MARK = "1";

    @Inject
    DedupeRedis redis;

    @Inject
    Clock clock;

    @ConfigProperty(name = "touchpoint.gateway.dedupe.window", defaultValue = "PT24H")
    Duration window;

    /** The newest bucket this instance marked into, per source: a newer one unlinks the bucket two before it. */
    private final Map<String, Long> newestMarked = new ConcurrentHashMap<>();

    /** @return the message ids of this source published within the window; empty when Redis cannot tell */
    public Uni<Set<String>> alreadyPublished(String sourceId, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        long bucket = bucketOf(clock.millis());
        Request current = Request.cmd(Command.HMGET).arg(key(sourceId, bucket));
        Request previous = Request.cmd(Command.HMGET).arg(key(sourceId, bucket - 1));
        for (String id : messageIds) {
            current.arg(id);
            previous.arg(id);
        }
        return redis.batch(List.of(current, previous))
                .map(responses -> {
                    Set<String> seen = new HashSet<>();
                    for (Response response : responses) {
                        for (int i = 0; response != null && i < messageIds.size(); i++) {
                            if (response.get(i) != null) {
                                seen.add(messageIds.get(i));
                            }
                        }
                    }
                    return seen;
                })
                .onFailure().recoverWithItem(e -> {
                    log(e, "cannot check for duplicate messages in Redis, publishing all %d: %s", messageIds.size());
                    return Set.<String>of();
                });
    }

    /** Marks the ids as published; failures are logged, never raised. */
    public Uni<Void> markPublished(String sourceId, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long nowMillis = clock.millis();
        long bucket = bucketOf(nowMillis);
        String key = key(sourceId, bucket);
        Request mark = Request.cmd(Command.HSET).arg(key);
        for (String id : messageIds) {
            mark.arg(id).arg(MARK);
        }
        List<Request> requests = new ArrayList<>(3);
        requests.add(mark);
        // Until the end of the next bucket (the last one that looks here) and one more, as a backstop;
        // relative, so that it means the same whatever the service clock reads.
        long expireMillis = (bucket + 3) * window.toMillis() - nowMillis;
        requests.add(Request.cmd(Command.PEXPIRE).arg(key).arg(expireMillis));
        Long before = newestMarked.put(sourceId, bucket);
        if (before == null || before < bucket) {
            requests.add(Request.cmd(Command.UNLINK).arg(key(sourceId, bucket - 2)));
        }
        return redis.batch(requests)
                .onFailure().invoke(e -> log(e, "cannot remember %d published messages in Redis; their retries "
                        + "will be published again: %s", messageIds.size()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** While the circuit is open every call fails the same way; the failures that opened it were logged already. */
    private static void log(Throwable failure, String format, int count) {
        if (failure instanceof CircuitBreakerOpenException) {
            LOG.debugf(format, count, failure.toString());
        } else {
            LOG.warnf(format, count, failure.toString());
        }
    }

    private long bucketOf(long epochMillis) {
        return Math.floorDiv(epochMillis, window.toMillis());
    }

    static String key(String sourceId, long bucket) {
        return KEY_PREFIX + sourceId + ":" + bucket;
    }
}
