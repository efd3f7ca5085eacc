package io.touchpoint.journey.execution.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Journey instances and the steps they took. */
@ApplicationScoped
public class InstanceStore {

    private final Json json;

    InstanceStore(Json json) {
        this.json = json;
    }

    public record Instance(String id, String journeyId, int version, String profileId, String entryKey, String state,
            String nodeId, Instant enteredAt, String exitReason, Map<String, Object> entry, String arm, Instant goalAt) {
    }

    public record Step(int seq, String nodeId, String outcome, Instant at) {
    }

    /**
     * Enters the profile unless the trigger entered it before (a redelivery or a replay), an
     * instance under the same key is still in progress, or the re-entry rule forbids it.
     *
     * @return the new instance, or empty when nobody entered
     */
    public Uni<Optional<Instance>> enter(SqlClient sql, String id, String journeyId, int version, String profileId,
            String entryKey, String triggerId, JourneyGraph.Entry rule, String startNode, Map<String, Object> payload,
            Instant now) {
        return sql.preparedQuery("""
                INSERT INTO journey_entry (journey_id, profile_id, trigger_id) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(journeyId, profileId, triggerId))
                .chain(recorded -> recorded.rowCount() == 0 ? Uni.createFrom().item(Optional.<Instance>empty())
                        : allowed(sql, journeyId, profileId, entryKey, rule, now).chain(allowed -> !allowed
                                ? Uni.createFrom().item(Optional.<Instance>empty())
                                : sql.preparedQuery("""
                                        INSERT INTO journey_instance (id, journey_id, version, profile_id, entry_key, state, node_id,
                                          entered_at, updated_at, entry_payload)
                                        VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7, $8)
                                        ON CONFLICT (journey_id, profile_id, entry_key) WHERE state <> 'exited' DO NOTHING""")
                                        .execute(Tuple.from(List.of(id, journeyId, version, profileId, entryKey, startNode, ts(now),
                                                json.write(payload))))
                                        .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(Optional.<Instance>empty())
                                                : sql.preparedQuery("""
                                                        UPDATE journey_entry SET instance_id = $4
                                                        WHERE journey_id = $1 AND profile_id = $2 AND trigger_id = $3""")
                                                        .execute(Tuple.of(journeyId, profileId, triggerId, id))
                                                        .replaceWith(Optional.of(new Instance(id, journeyId, version, profileId,
                                                                entryKey, "active", startNode, now, null, payload, null, null))))));
    }

    /** The re-entry rule against the profile's last instance under the key. */
    private Uni<Boolean> allowed(SqlClient sql, String journeyId, String profileId, String entryKey, JourneyGraph.Entry rule,
            Instant now) {
        return sql.preparedQuery("""
                SELECT state, entered_at FROM journey_instance WHERE journey_id = $1 AND profile_id = $2 AND entry_key = $3
                ORDER BY entered_at DESC LIMIT 1""")
                .execute(Tuple.of(journeyId, profileId, entryKey))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return true;
                    }
                    Row last = rows.iterator().next();
                    if (!last.getString(0).equals("exited")) {
                        return false;
                    }
                    return switch (rule.reentry()) {
                        case NEVER -> false;
                        case ALWAYS -> true;
                        case AFTER_COOLDOWN -> !instant(last.getOffsetDateTime(1)).plus(rule.cooldown()).isAfter(now);
                    };
                });
    }

    public Uni<Optional<Instance>> lock(SqlClient sql, String id) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM journey_instance WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? Optional.<Instance>empty() : Optional.of(instance(rows.iterator().next())));
    }

    /** An instance, locked, with its journey's state now (archived when the journey is gone): one round trip. */
    public record Locked(Instance instance, String journeyState) {
    }

    public Uni<Optional<Locked>> lockWithJourneyState(SqlClient sql, String id) {
        return sql.preparedQuery("SELECT " + COLUMNS.replaceAll("(^|, )", "$1i.") + ", coalesce(j.state, 'archived') "
                + "FROM journey_instance i LEFT JOIN journey j ON j.id = i.journey_id WHERE i.id = $1 FOR UPDATE OF i")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return Optional.<Locked>empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new Locked(instance(r), r.getString(12)));
                });
    }

    /** The profile's instances still in progress, locked: an event, a membership or a change may move them. */
    public Uni<List<Instance>> lockOpen(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM journey_instance WHERE profile_id = $1 AND state <> 'exited' ORDER BY id FOR UPDATE")
                .execute(Tuple.of(profileId)).map(this::instances);
    }

    public Uni<Void> arm(SqlClient sql, String id, String arm) {
        return sql.preparedQuery("UPDATE journey_instance SET arm = $2 WHERE id = $1").execute(Tuple.of(id, arm)).replaceWithVoid();
    }

    /** @return whether this call recorded the goal (once per instance) */
    public Uni<Boolean> goal(SqlClient sql, String id, Instant at) {
        return sql.preparedQuery("UPDATE journey_instance SET goal_at = $2 WHERE id = $1 AND goal_at IS NULL")
                .execute(Tuple.of(id, ts(at))).map(rows -> rows.rowCount() > 0);
    }

    /** Ends one instance now, its wake-ups cancelled, with the step saying why. */
    public Uni<Void> end(SqlClient sql, Instance instance, String reason, List<String> wakeupKinds, Instant now) {
        String node = instance.nodeId() == null ? "" : instance.nodeId();
        return sql.preparedQuery("DELETE FROM wakeup WHERE kind = ANY($1) AND wakeup_key = $2")
                .execute(Tuple.of(wakeupKinds.toArray(String[]::new), instance.id()))
                .chain(() -> move(sql, instance.id(), "exited", node, reason, now))
                .chain(() -> nextSeq(sql, instance.id()))
                .chain(seq -> step(sql, instance.id(), seq, node, "exited: " + reason, now));
    }

    /**
     * A new version moves in-flight instances to the same node ids in it: those at a node the new
     * version still has move; the rest are returned, for the caller to end.
     */
    public Uni<List<Instance>> moveToVersion(SqlClient sql, String journeyId, int version, java.util.Set<String> nodeIds) {
        return sql.preparedQuery("""
                UPDATE journey_instance SET version = $2 WHERE journey_id = $1 AND state <> 'exited' AND version <> $2
                AND node_id = ANY($3)""")
                .execute(Tuple.of(journeyId, version, nodeIds.toArray(String[]::new)))
                .chain(() -> sql.preparedQuery("SELECT " + COLUMNS
                        + " FROM journey_instance WHERE journey_id = $1 AND state <> 'exited' AND version <> $2 FOR UPDATE")
                        .execute(Tuple.of(journeyId, version)).map(this::instances));
    }

    /** In-flight instances on other versions than {@code version}, locked. */
    public Uni<List<Instance>> lockOtherVersions(SqlClient sql, String journeyId, int version) {
        return sql.preparedQuery("SELECT " + COLUMNS
                + " FROM journey_instance WHERE journey_id = $1 AND state <> 'exited' AND version <> $2 FOR UPDATE")
                .execute(Tuple.of(journeyId, version)).map(this::instances);
    }

    /**
     * A merge: the merged profile's instances become the survivor's. Where the survivor already has
     * an instance in progress under the same journey and key, the merged one is returned to be ended.
     */
    public Uni<List<Instance>> mergeInto(SqlClient sql, String merged, String survivor) {
        return sql.preparedQuery("SELECT " + COLUMNS + " " + """
                FROM journey_instance m WHERE profile_id = $1 AND state <> 'exited' AND EXISTS (
                  SELECT 1 FROM journey_instance s WHERE s.profile_id = $2 AND s.state <> 'exited'
                  AND s.journey_id = m.journey_id AND s.entry_key = m.entry_key) FOR UPDATE""")
                .execute(Tuple.of(merged, survivor)).map(this::instances)
                .call(duplicates -> sql.preparedQuery("""
                        UPDATE journey_instance SET profile_id = $2 WHERE profile_id = $1 AND NOT (id = ANY($3))""")
                        .execute(Tuple.of(merged, survivor, duplicates.stream().map(Instance::id).toArray(String[]::new))))
                .call(() -> sql.preparedQuery("""
                        INSERT INTO journey_entry (journey_id, profile_id, trigger_id, instance_id)
                        SELECT journey_id, $2, trigger_id, instance_id FROM journey_entry WHERE profile_id = $1
                        ON CONFLICT DO NOTHING""").execute(Tuple.of(merged, survivor)));
    }

    public Uni<Void> move(SqlClient sql, String id, String state, String nodeId, String exitReason, Instant now) {
        return sql.preparedQuery("UPDATE journey_instance SET state = $2, node_id = $3, exit_reason = $4, updated_at = $5 WHERE id = $1")
                .execute(Tuple.from(java.util.Arrays.asList(id, state, nodeId, exitReason, ts(now)))).replaceWithVoid();
    }

    public Uni<Integer> nextSeq(SqlClient sql, String instanceId) {
        return sql.preparedQuery("SELECT coalesce(max(seq), 0) + 1 FROM journey_step WHERE instance_id = $1")
                .execute(Tuple.of(instanceId)).map(rows -> rows.iterator().next().getInteger(0));
    }

    public Uni<Void> step(SqlClient sql, String instanceId, int seq, String nodeId, String outcome, Instant at) {
        return sql.preparedQuery("INSERT INTO journey_step (instance_id, seq, node_id, outcome, at) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(instanceId, seq, nodeId, outcome, ts(at))).replaceWithVoid();
    }

    /** How many instances are at each node now, how many passed it, and how many exited there: the journey's live counts. */
    public Uni<Map<String, Map<String, Long>>> counts(SqlClient sql, String journeyId) {
        // "passed": instances that took a step at the node, wherever they are now.
        return sql.preparedQuery("""
                SELECT coalesce(node_id, ''), state, count(*) FROM journey_instance WHERE journey_id = $1
                GROUP BY node_id, state
                UNION ALL
                SELECT s.node_id, 'passed', count(DISTINCT s.instance_id) FROM journey_step s
                JOIN journey_instance i ON i.id = s.instance_id WHERE i.journey_id = $1
                GROUP BY s.node_id ORDER BY 1, 2""")
                .execute(Tuple.of(journeyId))
                .map(rows -> {
                    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
                    for (Row r : rows) {
                        counts.computeIfAbsent(r.getString(0), n -> new LinkedHashMap<>()).put(r.getString(1), r.getLong(2));
                    }
                    return counts;
                });
    }

    public Uni<List<Instance>> ofProfile(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM journey_instance WHERE profile_id = $1 ORDER BY entered_at, id")
                .execute(Tuple.of(profileId)).map(this::instances);
    }

    public Uni<List<Step>> steps(SqlClient sql, String instanceId) {
        return sql.preparedQuery("SELECT seq, node_id, outcome, at FROM journey_step WHERE instance_id = $1 ORDER BY seq")
                .execute(Tuple.of(instanceId))
                .map(rows -> {
                    List<Step> steps = new ArrayList<>();
                    rows.forEach(r -> steps.add(new Step(r.getInteger(0), r.getString(1), r.getString(2), instant(r.getOffsetDateTime(3)))));
                    return steps;
                });
    }

    /** Paused journeys hold their due instances; resuming gives them back their wake-up. */
    public Uni<List<String>> release(SqlClient sql, String journeyId, Instant now) {
        return sql.preparedQuery("""
                UPDATE journey_instance SET state = 'waiting', updated_at = $2 WHERE journey_id = $1 AND state = 'held'
                RETURNING id""")
                .execute(Tuple.of(journeyId, ts(now)))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    /** Archiving ends every instance still in the journey; their wake-ups go with them. */
    public Uni<List<Ended>> exitAll(SqlClient sql, String journeyId, List<String> wakeupKinds, String reason, Instant now) {
        return sql.preparedQuery("""
                DELETE FROM wakeup WHERE kind = ANY($2) AND wakeup_key IN
                  (SELECT id FROM journey_instance WHERE journey_id = $1 AND state <> 'exited')""")
                .execute(Tuple.of(journeyId, wakeupKinds.toArray(String[]::new)))
                .chain(() -> sql.preparedQuery("""
                        UPDATE journey_instance SET state = 'exited', exit_reason = $2, updated_at = $3
                        WHERE journey_id = $1 AND state <> 'exited' RETURNING id, profile_id, version, node_id""")
                        .execute(Tuple.of(journeyId, reason, ts(now))))
                .map(InstanceStore::ended);
    }

    /**
     * The profile's exit event: every instance of it still in the journey ends now, its wait
     * cancelled; the step says why.
     *
     * @return how many instances it ended
     */
    public record Ended(String instanceId, String profileId, int version, String nodeId) {
    }

    public Uni<List<Ended>> exitProfile(SqlClient sql, String journeyId, String profileId, String reason, List<String> wakeupKinds,
            Instant now) {
        return sql.preparedQuery("""
                UPDATE journey_instance SET state = 'exited', exit_reason = $3, updated_at = $4
                WHERE journey_id = $1 AND profile_id = $2 AND state <> 'exited' RETURNING id, profile_id, version, node_id""")
                .execute(Tuple.of(journeyId, profileId, reason, ts(now)))
                .map(InstanceStore::ended)
                .call(ended -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (Ended e : ended) {
                        String node = e.nodeId() == null ? "" : e.nodeId();
                        all = all.chain(() -> sql.preparedQuery("DELETE FROM wakeup WHERE kind = ANY($1) AND wakeup_key = $2")
                                .execute(Tuple.of(wakeupKinds.toArray(String[]::new), e.instanceId())))
                                .chain(() -> nextSeq(sql, e.instanceId()))
                                .chain(seq -> step(sql, e.instanceId(), seq, node, "exited: " + reason, now));
                    }
                    return all;
                });
    }

    private static List<Ended> ended(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Ended> ended = new ArrayList<>();
        rows.forEach(r -> ended.add(new Ended(r.getString(0), r.getString(1), r.getInteger(2), r.getString(3))));
        return ended;
    }

    /** Erasure: every instance, step, wake-up, recorded trigger and API answer naming these profiles. */
    public Uni<Void> forget(SqlClient sql, List<String> profileIds, List<String> wakeupKinds) {
        String[] ids = profileIds.toArray(String[]::new);
        return sql.preparedQuery("DELETE FROM wakeup WHERE kind = ANY($2) AND wakeup_key IN (SELECT id FROM journey_instance WHERE profile_id = ANY($1))")
                .execute(Tuple.of(ids, wakeupKinds.toArray(String[]::new)))
                .chain(() -> sql.preparedQuery("DELETE FROM journey_step WHERE instance_id IN (SELECT id FROM journey_instance WHERE profile_id = ANY($1))")
                        .execute(Tuple.of((Object) ids)))
                .chain(() -> sql.preparedQuery("DELETE FROM journey_instance WHERE profile_id = ANY($1)").execute(Tuple.of((Object) ids)))
                .chain(() -> sql.preparedQuery("DELETE FROM journey_entry WHERE profile_id = ANY($1)").execute(Tuple.of((Object) ids)))
                // An API call's stored answer keeps the others, so repeating the call still enters nobody again.
                .chain(() -> sql.preparedQuery("""
                        UPDATE journey_api_call SET response = jsonb_set(response::jsonb, '{recipients}', (
                          SELECT coalesce(jsonb_agg(r), '[]'::jsonb) FROM jsonb_array_elements(response::jsonb -> 'recipients') r
                          WHERE NOT (r ->> 'profileId' = ANY($1))))::text
                        WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(response::jsonb -> 'recipients') r
                          WHERE r ->> 'profileId' = ANY($1))""").execute(Tuple.of((Object) ids)))
                .replaceWithVoid();
    }

    private static final String COLUMNS = "id, journey_id, version, profile_id, entry_key, state, node_id, entered_at, exit_reason, "
            + "entry_payload, arm, goal_at";

    private Instance instance(Row r) {
        return new Instance(r.getString(0), r.getString(1), r.getInteger(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), instant(r.getOffsetDateTime(7)), r.getString(8), json.map(r.getString(9)), r.getString(10),
                r.getOffsetDateTime(11) == null ? null : instant(r.getOffsetDateTime(11)));
    }

    private List<Instance> instances(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Instance> all = new ArrayList<>();
        rows.forEach(r -> all.add(instance(r)));
        return all;
    }
}
