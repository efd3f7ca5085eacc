package io.touchpoint.segmentation.membership.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Bulk passes (segment computations) and who runs them. Leases are counted on PostgreSQL's clock,
 * not the service's: they are about processes staying alive, and a test clock moved by months must
 * not make a live pass look abandoned.
 */
@ApplicationScoped
public class ComputationStore {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String SUPERSEDED = "superseded";
    public static final String FAILED = "failed";

    /** A pass as stored; {@code profilesTotal} is null until the pass has counted the known profiles. */
    public record Computation(String id, List<String> segmentIds, String state, Long profilesTotal, long profilesEvaluated,
            long transitions, String cursor, int attempts, Map<String, Long> sizes, String error, Instant startedAt,
            Instant updatedAt, Instant finishedAt) {
    }

    /** This process, as the owner of the passes it runs. */
    private final String owner = UUID.randomUUID().toString();

    @ConfigProperty(name = "touchpoint.segments.computation-lease-ms", defaultValue = "30000")
    long leaseMs;

    public String owner() {
        return owner;
    }

    /**
     * Records a new pass for {@code segmentIds}, owned by this process, inside the caller's
     * transaction. Running passes for a subset of these segments are superseded: this one covers
     * them and reads the newer definitions.
     */
    public Uni<String> open(SqlClient sql, Set<String> segmentIds, Instant now) {
        String id = UUID.randomUUID().toString();
        String[] ids = segmentIds.toArray(String[]::new);
        return sql.preparedQuery("""
                UPDATE segment_computation SET state = 'superseded', finished_at = $2, updated_at = $2
                WHERE state = 'running' AND segment_ids <@ $1""").execute(Tuple.of(ids, ts(now)))
                .chain(() -> sql.preparedQuery("""
                        INSERT INTO segment_computation (id, segment_ids, state, owner, lease_until, started_at, updated_at)
                        VALUES ($1, $2, 'running', $3, clock_timestamp() + $4 * interval '1 millisecond', $5, $5)""")
                        .execute(Tuple.of(id, ids, owner, leaseMs, ts(now))))
                .replaceWith(id);
    }

    /** Counts the known profiles once, as the pass's total, when it first runs. */
    public Uni<Void> countProfiles(SqlClient sql, String id) {
        return sql.preparedQuery("""
                UPDATE segment_computation SET profiles_total = (SELECT count(*) FROM profile_snapshot)
                WHERE id = $1 AND profiles_total IS NULL""").execute(Tuple.of(id)).replaceWithVoid();
    }

    /**
     * Inside a page's transaction, first: renews this process's lease and locks the row until the
     * page commits. False when the pass is no longer this process's to run (superseded, taken over).
     */
    public Uni<Boolean> hold(SqlClient sql, String id) {
        return sql.preparedQuery("""
                UPDATE segment_computation SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'
                WHERE id = $1 AND owner = $2 AND state = 'running'""").execute(Tuple.of(id, owner, leaseMs))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Inside the same transaction, last: what the page evaluated and changed, and where it ended. */
    public Uni<Void> advance(SqlClient sql, String id, int evaluated, int transitions, String cursor, Instant now) {
        return sql.preparedQuery("""
                UPDATE segment_computation SET profiles_evaluated = profiles_evaluated + $2,
                  transitions = transitions + $3, cursor_profile = $4, updated_at = $5
                WHERE id = $1""").execute(Tuple.of(id, evaluated, transitions, cursor, ts(now))).replaceWithVoid();
    }

    /** The pass reached the last profile: it is done, with each of its segments' member count. */
    public Uni<Boolean> complete(SqlClient sql, String id, Instant now) {
        return sql.preparedQuery("""
                UPDATE segment_computation c SET state = 'completed', finished_at = $3, updated_at = $3, error = NULL,
                  sizes = (SELECT coalesce(jsonb_object_agg(s.id, (SELECT count(*) FROM membership m WHERE m.segment_id = s.id)), '{}')
                           FROM unnest(c.segment_ids) AS s(id))
                WHERE id = $1 AND owner = $2 AND state = 'running'""").execute(Tuple.of(id, owner, ts(now)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The pass failed after its own retries. It stays running for another attempt once the lease
     * lapses (by this or any replica), unless it has had {@code maxAttempts}.
     */
    public Uni<Void> failed(SqlClient sql, String id, String error, int maxAttempts, Instant now) {
        return sql.preparedQuery("""
                UPDATE segment_computation SET error = $3, updated_at = $4,
                  state = CASE WHEN attempts >= $5 THEN 'failed' ELSE state END,
                  finished_at = CASE WHEN attempts >= $5 THEN $4 ELSE finished_at END,
                  lease_until = clock_timestamp() + $6 * interval '1 millisecond'
                WHERE id = $1 AND owner = $2 AND state = 'running'""")
                .execute(Tuple.from(new Object[] { id, owner, error, ts(now), maxAttempts, leaseMs })).replaceWithVoid();
    }

    /** Takes over the oldest running pass whose lease has lapsed, if any. */
    public Uni<Optional<Computation>> claimLapsed(SqlClient sql) {
        return sql.preparedQuery("""
                UPDATE segment_computation SET owner = $1, attempts = attempts + 1,
                  lease_until = clock_timestamp() + $2 * interval '1 millisecond'
                WHERE id = (SELECT id FROM segment_computation WHERE state = 'running' AND lease_until < clock_timestamp()
                            ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING *""").execute(Tuple.of(owner, leaseMs)).map(rows -> first(rows));
    }

    public Uni<Optional<Computation>> find(SqlClient sql, String id) {
        return sql.preparedQuery("SELECT * FROM segment_computation WHERE id = $1").execute(Tuple.of(id))
                .map(this::first);
    }

    /** A segment's passes, newest first; {@code after} is the id of the last one already seen. */
    public Uni<List<Computation>> forSegment(SqlClient sql, String segmentId, int limit, String after) {
        return sql.preparedQuery("""
                SELECT * FROM segment_computation WHERE segment_ids @> ARRAY[$1]::text[]
                  AND ($3::text IS NULL OR seq < (SELECT seq FROM segment_computation WHERE id = $3))
                ORDER BY seq DESC LIMIT $2""")
                .execute(Tuple.of(segmentId, limit, after)).map(this::all);
    }

    private Optional<Computation> first(RowSet<Row> rows) {
        List<Computation> all = all(rows);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private List<Computation> all(RowSet<Row> rows) {
        List<Computation> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Long> counts = null;
            if (r.getValue("sizes") instanceof JsonObject sizes) {
                counts = new LinkedHashMap<>();
                for (var e : sizes) {
                    counts.put(e.getKey(), ((Number) e.getValue()).longValue());
                }
            }
            out.add(new Computation(r.getString("id"), Arrays.asList(r.getArrayOfStrings("segment_ids")),
                    r.getString("state"), r.getLong("profiles_total"), r.getLong("profiles_evaluated"),
                    r.getLong("transitions"), r.getString("cursor_profile"), r.getInteger("attempts"), counts,
                    r.getString("error"), instant(r.getOffsetDateTime("started_at")),
                    instant(r.getOffsetDateTime("updated_at")),
                    r.getValue("finished_at") == null ? null : instant(r.getOffsetDateTime("finished_at"))));
        }
        return out;
    }
}
