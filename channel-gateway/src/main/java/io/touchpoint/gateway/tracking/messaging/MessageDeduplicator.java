package io.touchpoint.gateway.tracking.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
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
import io.vertx.mutiny.redis.client.Response;

/**
 * Remembers for a day which (source, messageId) pairs reached the broker, so that an SDK retrying
 * a call whose answer it lost gets 200 without the interaction being published again.
 *
 * <p>Check ({@code MGET}), publish, then mark (one script doing {@code SET NX PX} per id): marking
 * before publishing would lose an interaction whose publish fails. Two identical calls racing can
 * therefore both publish; that is acceptable because consumers are idempotent on (sourceId,
 * messageId) anyway. This is an optimization, not the
 * guarantee, so a Redis outage never fails ingestion: it degrades to publishing every call.
 */
@ApplicationScoped
public class MessageDeduplicator {

    private static final Logger LOG = Logger.getLogger(MessageDeduplicator.class);
    private static final String KEY_PREFIX = "touchpoint:gateway:published:";
    /**
     * SET NX PX for every key given, in one command. NX keeps the first publication's window: a
     * later duplicate must not extend it. Answers how many keys were new (for nobody but a reader
     * of MONITOR). Keys of one call share their source, but not a hash slot: a Redis Cluster would
     * need the source as a hash tag in the key.
     */
    static final String MARK_SCRIPT = """
            local new = 0
            for i = 1, #KEYS do
              if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then new = new + 1 end
            end
            return new
            """;
    private static final String MARK_SHA1 = sha1Hex(MARK_SCRIPT);

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

    /**
     * Marks the ids as published; failures are logged, never raised. One script call for the whole
     * list: a pipeline of one {@code SET} per id cost the gateway (and Redis) a command, a request
     * object and a reply per event, 100 of each per batch call.
     */
    public Uni<Void> markPublished(String sourceId, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return mark(Command.EVALSHA, MARK_SHA1, sourceId, messageIds)
                // Redis restarted or its script cache was flushed: EVAL sends the script and caches it again.
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> mark(Command.EVAL, MARK_SCRIPT, sourceId, messageIds))
                .ifNoItem().after(timeout).fail()
                .onFailure().invoke(e -> LOG.warnf("cannot remember %d published messages in Redis; their retries "
                        + "will be published again: %s", messageIds.size(), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Response> mark(Command command, String script, String sourceId, List<String> messageIds) {
        Request request = Request.cmd(command).arg(script).arg(messageIds.size());
        for (String id : messageIds) {
            request.arg(key(sourceId, id));
        }
        return redis.getRedis().send(request.arg(window.toMillis()));
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    private static String key(String sourceId, String messageId) {
        return KEY_PREFIX + sourceId + ":" + messageId;
    }
}
