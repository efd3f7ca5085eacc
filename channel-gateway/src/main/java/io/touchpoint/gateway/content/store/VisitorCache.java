package io.touchpoint.gateway.content.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.gateway.content.domain.Visitor;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.domain.RecipientIdentifier;
import io.touchpoint.gateway.recipient.domain.RecipientObserver;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * On-site content's hot copy of the recipient projection in Redis, so a content decision costs no
 * PostgreSQL round trip: per profile a hash ({@code touchpoint:gateway:visitor:<profileId>}) with
 * the version ({@code v}), the facts rules read ({@code f}: traits, computed attributes, consent, as
 * JSON) and one field per segment ever entered ({@code s:<segmentId>} = {@code <epoch ms>:1|0}), and
 * per userId and anonymousId a key naming the profile ({@code touchpoint:gateway:visitor-id:u:<userId>},
 * {@code ...:a:<anonymousId>}).
 *
 * <p>Every write is a Lua script that keeps the newer of what it holds and what it is given (the
 * profile's version, a membership's instant), so writes in any order, repeated, or racing a refill
 * from PostgreSQL ({@code VisitorWarming}) end in the same state. A write that fails marks the copy
 * stale, and the warming refills it from PostgreSQL. A write that changes something announces the
 * keys it changed in the same script ({@link VisitorChanges}), so no replica's {@link VisitorNearCache}
 * keeps what it replaced. A decision that misses the near cache reads in one round trip: a script
 * resolves the ids and returns the profile's hash.
 */
@ApplicationScoped
public class VisitorCache implements RecipientObserver {

    private static final Logger LOG = Logger.getLogger(VisitorCache.class);
    static final String PROFILE = "touchpoint:gateway:visitor:";
    static final String ID = "touchpoint:gateway:visitor-id:";
    static final String VERSION = "v";
    static final String FACTS = "f";
    static final String SEGMENT = "s:";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    static final Script WRITE_PROFILE = new Script("""
            local v = redis.call('HGET', KEYS[1], 'v')
            if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'f', ARGV[2])
            local n = tonumber(ARGV[4])
            for i = 2, n + 1 do redis.call('SET', KEYS[i], ARGV[3]) end
            for i = n + 2, #KEYS do redis.call('UNLINK', KEYS[i]) end
            redis.call('PUBLISH', ARGV[5], cjson.encode(KEYS))
            return 1""");
    static final Script WRITE_MEMBERSHIP = new Script("""
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if current then
              local at = tonumber(string.match(current, '^(-?%d+)'))
              if at and at > tonumber(ARGV[2]) then return 0 end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
            redis.call('PUBLISH', ARGV[4], cjson.encode(KEYS))
            return 1""");
    static final Script ERASE = new Script("""
            redis.call('UNLINK', unpack(KEYS))
            redis.call('PUBLISH', ARGV[1], cjson.encode(KEYS))
            return 1""");
    static final Script READ = new Script("""
            for i = 1, #KEYS do
              local id = redis.call('GET', KEYS[i])
              if id then return {id, redis.call('HGETALL', ARGV[1] .. id), i} end
            end
            return false""");

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    /** A write failed since the last refill: the copy may miss a change. */
    private final AtomicBoolean stale = new AtomicBoolean();

    VisitorCache(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis;
        this.mapper = mapper;
    }

    /** What Redis holds of a visitor: the visitor, and which of the id keys asked named them. */
    public record Found(Visitor visitor, int keyIndex) {
    }

    /** The keys a request's ids are looked up by, userId first. */
    public static List<String> idKeys(String userId, String anonymousId) {
        List<String> keys = new ArrayList<>(2);
        if (userId != null) {
            keys.add(idKey(RecipientIdentifier.USER_ID, userId));
        }
        if (anonymousId != null) {
            keys.add(idKey(RecipientIdentifier.ANONYMOUS_ID, anonymousId));
        }
        return keys;
    }

    /**
     * The visitor the first of these id keys that names a known profile names, or null when none
     * does, in one round trip. Bounded: a Redis that does not answer within 250 ms costs the
     * request its visitor (the caller decides as for an unknown one), and after repeated failures
     * the breaker answers at once.
     */
    @Timeout(250)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @CircuitBreakerName("content-redis")
    public Uni<Found> read(List<String> idKeys) {
        if (idKeys.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return READ.send(redis, READ.request(idKeys, List.of(PROFILE))).map(this::found);
    }

    private Found found(Response found) {
        Visitor visitor = visitor(found);
        return visitor == null ? null : new Found(visitor, found.get(2).toInteger() - 1);
    }

    private Visitor visitor(Response found) {
        if (found == null || found.size() < 2) {
            return null;
        }
        String profileId = found.get(0).toString();
        Response hash = found.get(1);
        Map<String, Object> facts = Map.of();
        Set<String> segments = new TreeSet<>();
        for (int i = 0; i + 1 < hash.size(); i += 2) {
            String field = hash.get(i).toString();
            if (field.equals(FACTS)) {
                facts = read(hash.get(i + 1).toString());
            } else if (field.startsWith(SEGMENT) && hash.get(i + 1).toString().endsWith(":1")) {
                segments.add(field.substring(SEGMENT.length()));
            }
        }
        return new Visitor(profileId, map(facts.get("t")), map(facts.get("c")), consents(facts.get("k")), segments);
    }

    @Override
    @Timeout(1000)
    public Uni<Void> recipientChanged(Recipient recipient, List<RecipientIdentifier> identifiers, List<String> merged) {
        return guard(writeProfile(recipient, identifiers, merged).replaceWithVoid());
    }

    /** The script that writes a profile's facts, identifiers and merges; also what a refill sends. */
    public Request profileWrite(Recipient recipient, List<RecipientIdentifier> identifiers, List<String> merged) {
        List<String> keys = new ArrayList<>();
        keys.add(PROFILE + recipient.profileId());
        List<RecipientIdentifier> ids = identifiers == null ? List.of() : identifiers;
        ids.forEach(id -> keys.add(idKey(id.kind(), id.value())));
        merged.forEach(m -> keys.add(PROFILE + m));
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("t", recipient.traits());
        facts.put("c", recipient.computed());
        facts.put("k", recipient.consents());
        return WRITE_PROFILE.request(keys, List.of(Long.toString(recipient.version()), write(facts), recipient.profileId(),
                Integer.toString(ids.size()), VisitorChanges.CHANNEL));
    }

    private Uni<Response> writeProfile(Recipient recipient, List<RecipientIdentifier> identifiers, List<String> merged) {
        return WRITE_PROFILE.send(redis, profileWrite(recipient, identifiers, merged));
    }

    @Override
    @Timeout(1000)
    public Uni<Void> membershipChanged(String profileId, String segmentId, boolean member, Instant at) {
        return guard(WRITE_MEMBERSHIP.send(redis, membershipWrite(profileId, segmentId, member, at)).replaceWithVoid());
    }

    public Request membershipWrite(String profileId, String segmentId, boolean member, Instant at) {
        return WRITE_MEMBERSHIP.request(List.of(PROFILE + profileId),
                List.of(SEGMENT + segmentId, Long.toString(at.toEpochMilli()), member ? "1" : "0", VisitorChanges.CHANNEL));
    }

    @Override
    @Timeout(1000)
    public Uni<Void> erased(List<String> profileIds, List<RecipientIdentifier> identifiers) {
        List<String> keys = new ArrayList<>();
        profileIds.forEach(id -> keys.add(PROFILE + id));
        identifiers.forEach(id -> keys.add(idKey(id.kind(), id.value())));
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return guard(ERASE.send(redis, ERASE.request(keys, List.of(VisitorChanges.CHANNEL))).replaceWithVoid());
    }

    /**
     * Sends writes made by {@link #profileWrite} and {@link #membershipWrite} together (a refill):
     * scripts Redis does not hold yet are loaded first.
     */
    public Uni<Void> writeAll(List<Request> writes) {
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Script.load(redis, WRITE_PROFILE, WRITE_MEMBERSHIP).chain(() -> redis.getRedis().batch(writes)).replaceWithVoid();
    }

    /** Whether a write failed since the last call: the copy must be refilled from PostgreSQL. */
    public boolean takeStale() {
        return stale.getAndSet(false);
    }

    /** The refill could not be asked for: ask again at the next check. */
    public void markStale() {
        stale.set(true);
    }

    /** A failed write leaves the copy stale until the warming refills it (the failure itself is logged by the caller). */
    private Uni<Void> guard(Uni<Void> write) {
        return write.onFailure().invoke(e -> stale.set(true));
    }

    static String idKey(String kind, String value) {
        return ID + (RecipientIdentifier.USER_ID.equals(kind) ? "u:" : "a:") + value;
    }

    private Map<String, Object> read(String json) {
        try {
            return mapper.readValue(json, MAP);
        } catch (java.io.IOException e) {
            LOG.debugf("unreadable visitor facts: %s", e.getMessage());
            return Map.of();
        }
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private List<ConsentState> consents(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            return List.of();
        }
        return mapper.convertValue(list, new TypeReference<List<ConsentState>>() {
        });
    }

    /** A Lua script run by its SHA-1; loaded again when Redis does not know it (after a restart). */
    static final class Script {
        private final String body;
        private final String sha;

        Script(String body) {
            this.body = body;
            try {
                this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Request request(List<String> keys, List<String> args) {
            Request request = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
            keys.forEach(request::arg);
            args.forEach(request::arg);
            return request;
        }

        /** Sends a request of this script, loading it first when Redis does not know it. */
        Uni<Response> send(ReactiveRedisDataSource redis, Request request) {
            return redis.getRedis().send(request).onFailure(Script::unknown)
                    .recoverWithUni(e -> load(redis, this).chain(() -> redis.getRedis().send(request)));
        }

        static boolean unknown(Throwable e) {
            return String.valueOf(e.getMessage()).startsWith("NOSCRIPT");
        }

        static Uni<Void> load(ReactiveRedisDataSource redis, Script... scripts) {
            List<Request> loads = new ArrayList<>();
            for (Script s : scripts) {
                loads.add(Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.body));
            }
            return redis.getRedis().batch(loads).replaceWithVoid();
        }
    }
}
