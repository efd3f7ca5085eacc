package io.touchpoint.gateway.content.domain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.content.messaging.PlacementChanges;
import io.touchpoint.gateway.content.store.PlacementStore;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Every published placement, compiled, in memory: a content request looks its placement up here and
 * never in PostgreSQL. A publication or deletion reloads the placement on the replica that made it
 * at once and is announced to the others ({@link PlacementChanges}), which reload it too; every
 * {@code placement-sync} each replica also compares its revisions with PostgreSQL's, the bound for
 * an announcement it missed. Until the first load has finished, requests wait for it.
 */
@ApplicationScoped
public class PlacementRegistry {

    private static final Logger LOG = Logger.getLogger(PlacementRegistry.class);
    private static final java.time.Duration FIRST_LOAD_WAIT = java.time.Duration.ofSeconds(5);

    /** The placements cannot be told yet (PostgreSQL was not reachable since the start). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final Pool pool;
    private final PlacementStore store;
    private final PlacementChanges changes;
    private final ContentConfig config;
    private final Vertx vertx;
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private Uni<Void> firstLoad;
    private PeriodicWork sync;

    PlacementRegistry(Pool pool, PlacementStore store, PlacementChanges changes, ContentConfig config, Vertx vertx) {
        this.pool = pool;
        this.store = store;
        this.changes = changes;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        firstLoad = sync().onFailure().retry().withBackOff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5))
                .indefinitely().invoke(() -> loaded = true).memoize().indefinitely();
        firstLoad.subscribe().with(done -> LOG.debugf("%d placements loaded", placements.size()),
                e -> LOG.error("placements could not be loaded", e));
        changes.listen(key -> reload(key).subscribe().with(done -> {
        }, e -> LOG.warnf("placement %s could not be reloaded (%s); the next comparison retries", key, e.toString())))
                .subscribe().with(done -> {
                }, e -> LOG.warnf("cannot hear placement changes (%s); replicas rely on their periodic comparison", e.toString()));
        sync = PeriodicWork.every(vertx, config.placementSync().toMillis(), this::sync, LOG,
                "comparing placements with PostgreSQL failed; retried at the next period");
    }

    void stop(@Observes ShutdownEvent event) {
        if (sync != null) {
            sync.cancel();
        }
    }

    /** The published placement, or null when there is none of that key. */
    public Uni<Placement> get(String key) {
        if (loaded) {
            return Uni.createFrom().item(placements.get(key));
        }
        return firstLoad.ifNoItem().after(FIRST_LOAD_WAIT).failWith(() -> new Unavailable("placements are not loaded yet"))
                .map(done -> placements.get(key));
    }

    /** After a publication or deletion on this replica: reload here, then tell the others. */
    public Uni<Void> changed(String key) {
        return reload(key).chain(() -> changes.announce(key));
    }

    /** Reloads one placement from PostgreSQL (removes it when it has no published version any more). */
    Uni<Void> reload(String key) {
        return pool.withConnection(sql -> store.published(sql, key)).invoke(found -> {
            if (found.isEmpty()) {
                placements.remove(key);
            } else {
                install(found.get(0));
            }
        }).replaceWithVoid();
    }

    /** Loads what is new or changed since this replica's copy, and forgets what is gone. */
    Uni<Void> sync() {
        return pool.withConnection(sql -> store.revisions(sql)).chain(revisions -> {
            placements.keySet().removeIf(key -> !revisions.containsKey(key));
            List<String> stale = revisions.entrySet().stream()
                    .filter(e -> placements.get(e.getKey()) == null || placements.get(e.getKey()).revision() != e.getValue())
                    .map(Map.Entry::getKey).toList();
            if (stale.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            if (stale.size() == 1) {
                return reload(stale.get(0));
            }
            return pool.withConnection(sql -> store.published(sql, null)).invoke(all -> all.stream()
                    .filter(v -> stale.contains(v.key())).forEach(this::install)).replaceWithVoid();
        });
    }

    private void install(PlacementStore.Version version) {
        try {
            Placement compiled = PlacementCompiler.compile(version.key(), version.version(), version.revision(), version.content());
            // A slower reload of an older revision must not replace a newer one.
            placements.merge(version.key(), compiled, (held, fresh) -> fresh.revision() >= held.revision() ? fresh : held);
        } catch (RuntimeException e) {
            LOG.errorf(e, "placement %s version %d cannot be compiled; it is not served", version.key(), version.version());
        }
    }
}
