package io.touchpoint.gateway.tracking.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * Remembers for a day which (source, messageId) pairs reached the broker, so that an SDK retrying
 * a call whose answer it lost gets 200 without the interaction being published again.
 *
 * <p>Check, publish, then mark: marking before publishing would lose an interaction whose publish
 * fails. Two identical calls racing can therefore both publish; that is acceptable because
 * consumers are idempotent on (sourceId, messageId) anyway. This is an optimization, not the
 * guarantee, so a Redis outage never fails ingestion: it degrades to publishing every call.
 */
@ApplicationScoped
public class MessageDeduplicator {

    private static final Logger LOG = Logger.getLogger(MessageDeduplicator.class);
    private static final String KEY_PREFIX = "touchpoint:gateway:published:";

    @Inject
    ReactiveRedisDataSource redis;

    @ConfigProperty(name = "touchpoint.gateway.dedupe.window", defaultValue = "PT24H")
    Duration window;

    /** Ingestion must not wait long for an optimization. */
    @ConfigProperty(name = "touchpoint.gateway.dedupe.timeout", defaultValue = "PT1S")
    Duration timeout;

    /** @return the message ids of this source published within the window; empty when Redis cannot tell */
    public Uni<Set<String>> alreadyPublished(String sourceId, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Request mget = Request.cmd(Command.MGET);
        messageIds.forEach(id -> mget.arg(key(sourceId, id)));
        return redis.getRedis().send(mget)
                .ifNoItem().after(timeout).fail()
                .map(response -> {
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < messageIds.size(); i++) {
                        if (response != null && response.get(i) != null) {
                            seen.add(messageIds.get(i));
                        }
                    }
                    return seen;
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("cannot check for duplicate messages in Redis, publishing all %d: %s", messageIds.size(),
                            e.toString());
                    return Set.<String>of();
                });
    }

    /** Marks the ids as published; failures are logged, never raised. */
    public Uni<Void> markPublished(String sourceId, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> sets = new ArrayList<>(messageIds.size());
        for (String id : messageIds) {
            // NX keeps the first publication's window: a later duplicate must not extend it.
            sets.add(Request.cmd(Command.SET).arg(key(sourceId, id)).arg("1").arg("NX").arg("EX")
                    .arg(window.toSeconds()));
        }
        return redis.getRedis().batch(sets)
                .ifNoItem().after(timeout).fail()
                .onFailure().invoke(e -> LOG.warnf("cannot remember %d published messages in Redis; their retries "
                        + "will be published again: %s", messageIds.size(), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private static String key(String sourceId, String messageId) {
        return KEY_PREFIX + sourceId + ":" + messageId;
    }
}
