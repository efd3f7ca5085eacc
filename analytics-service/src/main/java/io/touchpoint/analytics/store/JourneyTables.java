package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.ingest.domain.Fact;
import io.touchpoint.analytics.journey.domain.Assignment;
import io.touchpoint.contracts.events.JourneyEvent;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Journey events, the journeys heard of, and each profile's arm at each split. */
@ApplicationScoped
class JourneyTables {

    /**
     * Remembers journeys by id. {@code DO NOTHING} takes no lock on a known journey's row, so
     * concurrent batches of the same journeys do not queue on it.
     */
    Uni<Void> known(SqlClient sql, Map<String, Instant> firstSeen) {
        firstSeen.remove("");
        if (firstSeen.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> ids = firstSeen.keySet().stream().sorted().toList();
        return sql.preparedQuery("""
                INSERT INTO journey (journey_id, first_seen_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])
                ON CONFLICT (journey_id) DO NOTHING""")
                .execute(Sql.tuple(Sql.texts(ids), Sql.times(ids.stream().map(firstSeen::get).toList())))
                .replaceWithVoid();
    }

    /** @return the events not recorded before */
    Uni<List<JourneyEvent>> record(SqlClient sql, List<Fact<JourneyEvent>> facts) {
        Map<String, JourneyEvent> unique = new LinkedHashMap<>();
        facts.forEach(f -> unique.putIfAbsent(f.value().eventId() != null ? f.value().eventId() : f.eventId(), f.value()));
        List<String> ids = List.copyOf(unique.keySet());
        List<JourneyEvent> events = List.copyOf(unique.values());
        return sql.preparedQuery("""
                INSERT INTO journey_event (event_id, profile_id, journey_id, version, instance_id, kind, node_id, detail, at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                                     $9::timestamptz[])
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id""")
                .execute(Sql.tuple(Sql.texts(ids), Sql.texts(events.stream().map(JourneyEvent::profileId).toList()),
                        Sql.texts(events.stream().map(JourneyEvent::journeyId).toList()),
                        events.stream().map(JourneyEvent::version).toArray(Integer[]::new),
                        Sql.texts(events.stream().map(JourneyEvent::instanceId).toList()),
                        Sql.texts(events.stream().map(e -> e.kind().name()).toList()),
                        Sql.texts(events.stream().map(JourneyEvent::nodeId).toList()),
                        Sql.texts(events.stream().map(JourneyEvent::detail).toList()),
                        Sql.times(events.stream().map(JourneyEvent::at).toList())))
                .map(rows -> {
                    List<JourneyEvent> fresh = new ArrayList<>();
                    rows.forEach(r -> fresh.add(unique.get(r.getString(0))));
                    return fresh;
                });
    }

    /**
     * Keeps each profile's first arm at each split: the earliest assignment wins whatever order the
     * events arrive in (the arm is the same every time anyway, unless a new version changed the split).
     */
    Uni<Void> assign(SqlClient sql, List<Assignment> assignments) {
        Map<List<String>, Assignment> first = new java.util.TreeMap<>(java.util.Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        for (Assignment a : assignments) {
            first.merge(List.of(a.journeyId(), a.nodeId(), a.profileId()), a,
                    (x, y) -> y.assignedAt().isBefore(x.assignedAt()) ? y : x);
        }
        List<Assignment> rows = List.copyOf(first.values());
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                INSERT INTO assignment (journey_id, node_id, profile_id, arm, assigned_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                ON CONFLICT (journey_id, node_id, profile_id) DO UPDATE SET arm = EXCLUDED.arm, assigned_at = EXCLUDED.assigned_at
                WHERE EXCLUDED.assigned_at < assignment.assigned_at""")
                .execute(Sql.tuple(Sql.texts(rows.stream().map(Assignment::journeyId).toList()),
                        Sql.texts(rows.stream().map(Assignment::nodeId).toList()),
                        Sql.texts(rows.stream().map(Assignment::profileId).toList()),
                        Sql.texts(rows.stream().map(Assignment::arm).toList()),
                        Sql.times(rows.stream().map(Assignment::assignedAt).toList())))
                .replaceWithVoid();
    }

    record JourneyProfile(String journeyId, String profileId) {
    }

    /** Every pair asked for is in the answer (an empty list: no arm yet), so callers can tell asked from not. */
    Uni<Map<JourneyProfile, List<Assignment>>> assignments(SqlClient sql, Collection<JourneyProfile> pairs) {
        if (pairs.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<JourneyProfile> list = List.copyOf(pairs);
        return sql.preparedQuery("""
                SELECT a.journey_id, a.node_id, a.profile_id, a.arm, a.assigned_at
                FROM assignment a JOIN unnest($1::text[], $2::text[]) AS p(journey_id, profile_id)
                  ON a.profile_id = p.profile_id AND a.journey_id = p.journey_id""")
                .execute(Sql.tuple(Sql.texts(list.stream().map(JourneyProfile::journeyId).toList()),
                        Sql.texts(list.stream().map(JourneyProfile::profileId).toList())))
                .map(rows -> {
                    Map<JourneyProfile, List<Assignment>> out = new HashMap<>();
                    list.forEach(p -> out.put(p, new ArrayList<>()));
                    for (Row r : rows) {
                        Assignment a = new Assignment(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                                Sql.instant(r.getOffsetDateTime(4)));
                        out.computeIfAbsent(new JourneyProfile(a.journeyId(), a.profileId()), k -> new ArrayList<>()).add(a);
                    }
                    return out;
                });
    }
}
