package io.touchpoint.gateway.content.domain;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.gateway.content.store.VisitorCache;
import io.touchpoint.gateway.content.store.VisitorNearCache;
import io.touchpoint.gateway.template.domain.Liquid;

/**
 * Decides a placement for a visitor: the placement from memory, the visitor from memory or Redis
 * (one round trip), the visit from the request, then the first variant by priority whose rule holds, rendered
 * when it has markup. No PostgreSQL on the way. A visitor Redis cannot tell (unknown, or Redis not
 * answering) is decided as unknown: profile rules do not hold for them, visit rules still do.
 */
@ApplicationScoped
public class ContentDecisions {

    private static final Logger LOG = Logger.getLogger(ContentDecisions.class);

    /**
     * The decision: the variant chosen (null when no rule holds), its content as JSON, and an id the
     * page reports impressions and clicks with.
     */
    public record Decision(Placement placement, Placement.CompiledVariant variant, String contentJson, String decisionId,
            boolean knownVisitor) {

        /**
         * The answer's body, written directly: keys are {@code [a-z0-9._-]} and the content is JSON
         * already (static content was written once, at publication).
         */
        public String json() {
            return "{\"placement\":\"" + placement.key() + "\",\"version\":" + placement.version() + ",\"variant\":"
                    + (variant == null ? "null" : "\"" + variant.key() + "\"") + ",\"contentType\":\""
                    + placement.contentType() + "\",\"content\":" + (contentJson == null ? "null" : contentJson)
                    + ",\"decisionId\":\"" + decisionId + "\"}";
        }
    }

    private final PlacementRegistry registry;
    private final VisitorCache visitors;
    private final VisitorNearCache near;
    private final Clock clock;
    private final ContentConfig config;
    private final Counter known;
    private final Counter unknown;
    private final Counter unavailable;

    ContentDecisions(PlacementRegistry registry, VisitorCache visitors, VisitorNearCache near, Clock clock, ContentConfig config,
            MeterRegistry meters) {
        this.registry = registry;
        this.visitors = visitors;
        this.near = near;
        this.clock = clock;
        this.config = config;
        this.known = decisions(meters, "known");
        this.unknown = decisions(meters, "unknown");
        this.unavailable = decisions(meters, "unavailable");
    }

    private static Counter decisions(MeterRegistry meters, String visitor) {
        return Counter.builder("touchpoint.gateway.content.decisions").tag("visitor", visitor)
                .description("Content decisions, by whether the visitor was known, unknown, or could not be read from Redis")
                .register(meters);
    }

    /** The placement of that key, or null when none is published. */
    public Uni<Placement> placement(String key) {
        return registry.get(key);
    }

    /** @return the decision, or null when no placement of that key is published */
    public Uni<Decision> decide(String key, String userId, String anonymousId, Visits.Request request) {
        return registry.get(key).chain(placement -> {
            if (placement == null) {
                return Uni.createFrom().nullItem();
            }
            return visitor(userId, anonymousId)
                    .onFailure().recoverWithItem(e -> {
                        unavailable.increment();
                        LOG.debugf("visitor not read from Redis (%s); decided as unknown", e.toString());
                        return null;
                    })
                    .map(visitor -> decide(placement, visitor, userId, anonymousId, request));
        });
    }

    /**
     * The visitor from this replica's memory when it holds them (no round trip, the common case of a
     * returning visitor), else from Redis, remembered for the next request.
     */
    private Uni<Visitor> visitor(String userId, String anonymousId) {
        List<String> keys = VisitorCache.idKeys(userId, anonymousId);
        if (keys.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        VisitorNearCache.Lookup lookup = near.lookup(keys);
        if (lookup instanceof VisitorNearCache.Hit hit) {
            return Uni.createFrom().item(hit.visitor());
        }
        VisitorNearCache.Miss miss = (VisitorNearCache.Miss) lookup;
        return visitors.read(keys).map(found -> {
            if (found == null) {
                near.remember(miss, keys, -1, null);
                return null;
            }
            near.remember(miss, keys, found.keyIndex(), found.visitor());
            return found.visitor();
        });
    }

    private Decision decide(Placement placement, Visitor visitor, String userId, String anonymousId, Visits.Request request) {
        (visitor == null ? unknown : known).increment();
        Map<String, Object> visit = Visits.of(request, visitor);
        // An unknown visitor still falls in a stable random bucket: the one of their id.
        String subject = visitor != null ? visitor.profileId() : userId != null ? "user:" + userId : "anonymous:" + anonymousId;
        var facts = visitor == null
                ? new ConditionEvaluator.Facts(subject, Map.of(), Map.of(), List.of(), List.of(), Set.of())
                : new ConditionEvaluator.Facts(subject, visitor.traits(), visitor.computed(), visitor.consents(), List.of(),
                        visitor.segments());
        facts = facts.withVisit(visit);
        for (Placement.CompiledVariant variant : placement.variants()) {
            if (variant.rule() != null && !ConditionEvaluator.matches(variant.rule(), facts, clock.instant())) {
                continue;
            }
            try {
                String json = variant.content().json(variant.content().personal()
                        ? templateData(placement.key(), variant.key(), visit, visitor == null ? null : visitor.traits(),
                                visitor == null ? null : visitor.computed())
                        : Map.of());
                return new Decision(placement, variant, json, decisionId(), visitor != null);
            } catch (Liquid.Failure e) {
                // Checked against sample data at the save; real data can still exceed a loop or size limit.
                LOG.warnf("placement %s v%d variant %s did not render (%s); the next variant is tried", placement.key(),
                        placement.version(), variant.key(), e.getMessage());
            }
        }
        return new Decision(placement, null, null, decisionId(), visitor != null);
    }

    /**
     * What a template sees: the visit, the traits and computed attributes templates may render
     * ({@link ContentConfig}), the placement and variant keys.
     */
    public Map<String, Object> templateData(String placement, String variant, Map<String, Object> visit,
            Map<String, Object> traits, Map<String, Object> computed) {
        Map<String, Object> data = new HashMap<>();
        data.put("visit", visit);
        data.put("placement", placement);
        data.put("variant", variant);
        data.put("profile", traits == null ? Map.of() : allowed(traits, config.templateTraits()));
        data.put("computed", computed == null ? Map.of() : allowed(computed, config.templateComputed().orElse(List.of())));
        return data;
    }

    private static Map<String, Object> allowed(Map<String, Object> values, List<String> names) {
        Map<String, Object> allowed = new HashMap<>();
        for (String name : names) {
            Object value = values.get(name);
            if (value != null) {
                allowed.put(name, value);
            }
        }
        return allowed;
    }

    /** Random, not secret: it only tells a page's impression reports apart (SecureRandom would be a contention point). */
    private static String decisionId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
