package io.touchpoint.gateway.content.domain;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.content.store.VisitorCache;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.domain.RecipientIdentifier;
import io.touchpoint.gateway.recipient.store.IdentifierStore;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Keeps on-site content's copy of the recipients in Redis whole. A marker key says the copy was
 * filled; every {@code warm-check} each replica looks for it, and when it is missing (a Redis that
 * started empty, or was flushed) or a write of this replica failed since (the marker is then
 * dropped), one replica, holding a lock it renews page by page, copies every recipient with its
 * identifiers and memberships from PostgreSQL and sets the marker again. The copy's scripts keep
 * the newer of two writes, so the changes the consumers write meanwhile are not undone. Visitors
 * not copied yet are decided as unknown until then.
 */
@ApplicationScoped
public class VisitorWarming {

    private static final Logger LOG = Logger.getLogger(VisitorWarming.class);
    static final String WARM = "touchpoint:gateway:visitors:warm";
    static final String LOCK = "touchpoint:gateway:visitors:warming";
    private static final long LOCK_MILLIS = 60_000;

    private final ReactiveRedisDataSource redis;
    private final VisitorCache cache;
    private final Pool pool;
    private final RecipientStore recipients;
    private final IdentifierStore identifiers;
    private final MembershipStore memberships;
    private final ContentConfig config;
    private final Clock clock;
    private final Vertx vertx;
    private final String instance = UUID.randomUUID().toString();
    private PeriodicWork checks;

    VisitorWarming(ReactiveRedisDataSource redis, VisitorCache cache, Pool pool, RecipientStore recipients,
            IdentifierStore identifiers, MembershipStore memberships, ContentConfig config, Clock clock, Vertx vertx) {
        this.redis = redis;
        this.cache = cache;
        this.pool = pool;
        this.recipients = recipients;
        this.identifiers = identifiers;
        this.memberships = memberships;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        checks = PeriodicWork.every(vertx, config.warmCheck().toMillis(), this::check, LOG,
                "checking on-site content's copy of the recipients in Redis failed; retried at the next check");
        vertx.setTimer(1, id -> check().subscribe().with(done -> {
        }, e -> LOG.debugf("first check of the visitors' copy failed (%s); retried at the next check", e.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (checks != null) {
            checks.cancel();
        }
    }

    /** Refills the copy when its marker is missing (dropping the marker first when a write of this replica failed). */
    public Uni<Boolean> check() {
        Uni<Void> forget = cache.takeStale()
                ? redis.execute("UNLINK", WARM).replaceWithVoid().onFailure().invoke(e -> cache.markStale())
                : Uni.createFrom().voidItem();
        return forget.chain(() -> redis.execute("EXISTS", WARM)).chain(exists -> {
            if (exists != null && exists.toLong() == 1) {
                return Uni.createFrom().item(false);
            }
            return redis.execute("SET", LOCK, instance, "NX", "PX", Long.toString(LOCK_MILLIS)).chain(locked -> {
                if (locked == null) {
                    return Uni.createFrom().item(false);
                }
                long started = System.nanoTime();
                return refill().call(count -> redis.execute("SET", WARM, clock.instant().toString()))
                        .call(count -> redis.execute("UNLINK", LOCK))
                        .invoke(count -> LOG.infof("on-site content's copy of %d recipients was filled from PostgreSQL in %d ms",
                                count, (System.nanoTime() - started) / 1_000_000))
                        .replaceWith(true);
            });
        });
    }

    /**
     * Copies every recipient, page after page. Nothing of a page is kept once it is written: a
     * chain in which each page's continuation held its page kept the whole projection in memory
     * until the last page, and a large one did not fit in the heap.
     */
    private Uni<Integer> refill() {
        AtomicReference<String> after = new AtomicReference<>();
        return Multi.createBy().repeating().uni(() -> copyPage(after.get()).invoke(copied -> after.set(copied.last())))
                .whilst(copied -> copied.count() > 0)
                .collect().with(Collectors.summingInt(Copied::count));
    }

    /** What a page copied: how many profiles, and the last one's id (null when none). */
    private record Copied(int count, String last) {
    }

    /** Writes the page after {@code after}. */
    private Uni<Copied> copyPage(String after) {
        return pool.withConnection(sql -> recipients.page(sql, after, config.warmPage()).chain(page -> {
            if (page.isEmpty()) {
                return Uni.createFrom().item(new Page(page, Map.of(), List.of()));
            }
            List<String> ids = page.stream().map(Recipient::profileId).toList();
            return Uni.combine().all().unis(identifiers.of(sql, ids), memberships.of(sql, ids)).asTuple()
                    .map(both -> new Page(page, both.getItem1(), both.getItem2()));
        })).chain(page -> {
            if (page.recipients().isEmpty()) {
                return Uni.createFrom().item(new Copied(0, null));
            }
            List<Request> writes = new ArrayList<>();
            for (Recipient r : page.recipients()) {
                writes.add(cache.profileWrite(r, page.identifiers().getOrDefault(r.profileId(), List.of()), List.of()));
            }
            for (MembershipStore.Membership m : page.memberships()) {
                writes.add(cache.membershipWrite(m.profileId(), m.segmentId(), m.member(), m.changedAt()));
            }
            Copied copied = new Copied(page.recipients().size(), page.recipients().get(page.recipients().size() - 1).profileId());
            return cache.writeAll(writes)
                    .chain(() -> redis.execute("PEXPIRE", LOCK, Long.toString(LOCK_MILLIS)))
                    .replaceWith(copied);
        });
    }

    private record Page(List<Recipient> recipients, Map<String, List<RecipientIdentifier>> identifiers,
            List<MembershipStore.Membership> memberships) {
    }
}
