package io.touchpoint.journey.execution.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.journey.execution.domain.NodeStep;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The journey's own copy of each profile's evaluable state and segment memberships. */
@ApplicationScoped
public class ProfileFactStore {

    private final Json json;

    ProfileFactStore(Json json) {
        this.json = json;
    }

    /** Keeps the newest version only: a redelivered or older change changes nothing. @return whether it was newer */
    public Uni<Boolean> apply(SqlClient sql, ProfileChanged change, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO journey_profile (profile_id, version, traits, computed, consents, preferences, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version, traits = excluded.traits,
                  computed = excluded.computed, consents = excluded.consents, preferences = excluded.preferences,
                  updated_at = excluded.updated_at
                WHERE journey_profile.version < excluded.version""")
                .execute(Tuple.from(List.of(change.profileId(), change.version(), json.write(orEmpty(change.traits())),
                        json.write(orEmpty(change.computed())), json.write(change.consents() == null ? List.of() : change.consents()),
                        json.write(orEmpty(change.preferences())), ts(now))))
                .map(rows -> rows.rowCount() > 0);
    }

    /** @return whether this is news: a later transition than the one recorded */
    public Uni<Boolean> membership(SqlClient sql, String profileId, String segmentId, boolean member, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO journey_membership (profile_id, segment_id, member, at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (profile_id, segment_id) DO UPDATE SET member = excluded.member, at = excluded.at
                WHERE journey_membership.at < excluded.at""")
                .execute(Tuple.of(profileId, segmentId, member, ts(at)))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Set<String>> memberships(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT segment_id FROM journey_membership WHERE profile_id = $1 AND member")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    Set<String> segments = new HashSet<>();
                    rows.forEach(r -> segments.add(r.getString(0)));
                    return segments;
                });
    }

    public Uni<Optional<NodeStep.Subject>> load(SqlClient sql, String profileId) {
        return loadAll(sql, List.of(profileId)).map(all -> Optional.ofNullable(all.get(profileId)));
    }

    /** Facts (without an event log or entry payload) and preferences of these profiles; absent ones are not in the map. */
    public Uni<Map<String, NodeStep.Subject>> loadAll(SqlClient sql, List<String> profileIds) {
        String[] ids = profileIds.toArray(String[]::new);
        return sql.preparedQuery("SELECT profile_id, segment_id FROM journey_membership WHERE profile_id = ANY($1) AND member")
                .execute(Tuple.of((Object) ids))
                .chain(memberships -> sql.preparedQuery("""
                        SELECT profile_id, traits, computed, consents, preferences FROM journey_profile WHERE profile_id = ANY($1)""")
                        .execute(Tuple.of((Object) ids))
                        .map(rows -> {
                            Map<String, Set<String>> segments = new java.util.HashMap<>();
                            memberships.forEach(r -> segments.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1)));
                            Map<String, NodeStep.Subject> out = new java.util.HashMap<>();
                            for (Row r : rows) {
                                out.put(r.getString(0), subject(r, segments.getOrDefault(r.getString(0), Set.of())));
                            }
                            return out;
                        }));
    }

    /** A page of profile ids, in id order after {@code after}: a broadcast's audience is walked in pages. */
    public Uni<List<String>> page(SqlClient sql, String after, int limit) {
        return sql.preparedQuery("SELECT profile_id FROM journey_profile WHERE profile_id > $1 ORDER BY profile_id LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    /** A page of a segment's current members known here, in id order after {@code after}. */
    public Uni<List<String>> memberPage(SqlClient sql, String segmentId, String after, int limit) {
        return sql.preparedQuery("""
                SELECT m.profile_id FROM journey_membership m WHERE m.segment_id = $1 AND m.member AND m.profile_id > $2
                ORDER BY m.profile_id LIMIT $3""")
                .execute(Tuple.of(segmentId, after, limit))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    public Uni<Void> forget(SqlClient sql, List<String> profileIds) {
        String[] ids = profileIds.toArray(String[]::new);
        return sql.preparedQuery("DELETE FROM journey_profile WHERE profile_id = ANY($1)").execute(Tuple.of((Object) ids))
                .chain(() -> sql.preparedQuery("DELETE FROM journey_membership WHERE profile_id = ANY($1)")
                        .execute(Tuple.of((Object) ids)))
                .replaceWithVoid();
    }

    private NodeStep.Subject subject(Row r, Set<String> memberships) {
        List<ConsentState> consents = Arrays.asList(json.read(r.getString(3), ConsentState[].class));
        var facts = new ConditionEvaluator.Facts(r.getString(0), json.map(r.getString(1)), json.map(r.getString(2)), consents,
                List.of(), memberships);
        return new NodeStep.Subject(facts, json.map(r.getString(4)));
    }

    /** The subject of a change as it arrived, with the interaction behind it as its event log. */
    public static NodeStep.Subject subjectOf(ProfileChanged change, Set<String> memberships, Instant now) {
        List<ConditionEvaluator.LoggedEvent> events = change.trigger() == null || change.trigger().event() == null ? List.of()
                : List.of(new ConditionEvaluator.LoggedEvent(change.trigger().event(),
                        change.trigger().timestamp() == null ? now : change.trigger().timestamp(),
                        orEmpty(change.trigger().properties())));
        var facts = new ConditionEvaluator.Facts(change.profileId(), orEmpty(change.traits()), orEmpty(change.computed()),
                change.consents() == null ? List.of() : change.consents(), events, memberships);
        return new NodeStep.Subject(facts, orEmpty(change.preferences()));
    }

    private static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }
}
