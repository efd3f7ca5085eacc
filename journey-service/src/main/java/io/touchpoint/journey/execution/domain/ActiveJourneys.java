package io.touchpoint.journey.execution.domain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.definition.domain.JourneyParser;
import io.touchpoint.platform.store.Json;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The published journeys this replica answers events with, kept in memory so an event costs no
 * definition read: reloaded after every change made here and every second for changes made by
 * another replica. Versions are parsed once; an instance waiting on an older version finds it here.
 */
@ApplicationScoped
public class ActiveJourneys {

    private static final Logger LOG = Logger.getLogger(ActiveJourneys.class);

    public record Published(String journeyId, String state, int version, JourneyGraph graph) {
    }

    private final Pool pool;
    private final Json json;
    private final Vertx vertx;
    private final long refreshMs;
    private final Map<String, JourneyGraph> versions = new ConcurrentHashMap<>();
    private volatile List<Published> current = List.of();
    private PeriodicWork refresh;

    ActiveJourneys(Pool pool, Json json, Vertx vertx,
            @ConfigProperty(name = "touchpoint.journeys.refresh-interval-ms", defaultValue = "1000") long refreshMs) {
        this.pool = pool;
        this.json = json;
        this.vertx = vertx;
        this.refreshMs = refreshMs;
    }

    void start(@Observes StartupEvent event) {
        refresh = PeriodicWork.every(vertx, refreshMs, this::reload, LOG, "reloading the published journeys failed");
    }

    void stop(@Observes ShutdownEvent event) {
        if (refresh != null) {
            refresh.cancel();
        }
    }

    /** Active and paused journeys at their published version. */
    public List<Published> published() {
        return current;
    }

    public Uni<Void> reload() {
        return pool.query("""
                SELECT j.id, j.state, v.version, v.definition FROM journey j
                JOIN journey_version v ON v.journey_id = j.id AND v.version = j.published_version
                WHERE j.state IN ('active', 'paused') ORDER BY j.id""").execute()
                .invoke(rows -> {
                    List<Published> loaded = new java.util.ArrayList<>();
                    rows.forEach(r -> loaded.add(new Published(r.getString(0), r.getString(1), r.getInteger(2),
                            graph(r.getString(0), r.getInteger(2), r.getString(3)))));
                    current = List.copyOf(loaded);
                }).replaceWithVoid();
    }

    /** The journey's published version, read from the database: only if it is active now. */
    public Uni<java.util.Optional<Published>> current(io.vertx.mutiny.sqlclient.SqlClient sql, String journeyId) {
        return sql.preparedQuery("""
                SELECT j.state, v.version, v.definition FROM journey j
                JOIN journey_version v ON v.journey_id = j.id AND v.version = j.published_version
                WHERE j.id = $1 AND j.state = 'active'""").execute(Tuple.of(journeyId))
                .map(rows -> rows.rowCount() == 0 ? java.util.Optional.<Published>empty()
                        : java.util.Optional.of(published(journeyId, rows.iterator().next())));
    }

    private Published published(String journeyId, io.vertx.mutiny.sqlclient.Row r) {
        return new Published(journeyId, r.getString(0), r.getInteger(1), graph(journeyId, r.getInteger(1), r.getString(2)));
    }

    /** The state of a journey now, as stored (archived journeys are not in {@link #published()}). */
    public Uni<String> state(io.vertx.mutiny.sqlclient.SqlClient sql, String journeyId) {
        return sql.preparedQuery("SELECT state FROM journey WHERE id = $1").execute(Tuple.of(journeyId))
                .map(rows -> rows.rowCount() == 0 ? "archived" : rows.iterator().next().getString(0));
    }

    public Uni<JourneyGraph> version(io.vertx.mutiny.sqlclient.SqlClient sql, String journeyId, int version) {
        JourneyGraph known = versions.get(journeyId + "/v" + version);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return sql.preparedQuery("SELECT definition FROM journey_version WHERE journey_id = $1 AND version = $2")
                .execute(Tuple.of(journeyId, version))
                .map(rows -> graph(journeyId, version, rows.iterator().next().getString(0)));
    }

    private JourneyGraph graph(String journeyId, int version, String definition) {
        return versions.computeIfAbsent(journeyId + "/v" + version, k -> {
            JourneyParser.Result parsed = JourneyParser.parse(json.map(definition));
            if (!parsed.valid()) {
                throw new IllegalStateException("published version " + k + " does not parse: " + parsed.violations());
            }
            return parsed.graph();
        });
    }
}
