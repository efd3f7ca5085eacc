package io.touchpoint.analytics.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.conversion.domain.TrackedEvent;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Tracked events (conversions and cohort activity read them) and each profile's cohort anchors. */
@ApplicationScoped
class InteractionTables {

    private final Json json;

    InteractionTables(Json json) {
        this.json = json;
    }

    Uni<Void> record(SqlClient sql, List<TrackedEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<List<String>, TrackedEvent> unique = new LinkedHashMap<>();
        events.forEach(e -> unique.putIfAbsent(List.of(e.sourceId(), e.messageId()), e));
        List<TrackedEvent> rows = List.copyOf(unique.values());
        return sql.preparedQuery("""
                INSERT INTO interaction_event (source_id, message_id, profile_id, event, at, numbers)
                SELECT s, m, p, e, a, n::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
                  AS x(s, m, p, e, a, n)
                ON CONFLICT (source_id, message_id) DO NOTHING""")
                .execute(Sql.tuple(Sql.texts(rows.stream().map(TrackedEvent::sourceId).toList()),
                        Sql.texts(rows.stream().map(TrackedEvent::messageId).toList()),
                        Sql.texts(rows.stream().map(TrackedEvent::profileId).toList()),
                        Sql.texts(rows.stream().map(TrackedEvent::event).toList()),
                        Sql.times(rows.stream().map(TrackedEvent::at).toList()),
                        Sql.texts(rows.stream().map(e -> e.numbers().isEmpty() ? null : json.write(e.numbers())).toList())))
                .replaceWithVoid();
    }

    /** Earliest wins: registeredAt and firstPurchaseAt only ever move earlier (a late event, a merge). */
    Uni<Void> anchor(SqlClient sql, List<TrackedEvent.Anchors> anchors) {
        if (anchors.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, TrackedEvent.Anchors> merged = new TreeMap<>();
        anchors.forEach(a -> merged.merge(a.profileId(), a, (x, y) -> new TrackedEvent.Anchors(x.profileId(),
                earliest(x.registeredAt(), y.registeredAt()), earliest(x.firstPurchaseAt(), y.firstPurchaseAt()))));
        List<TrackedEvent.Anchors> rows = List.copyOf(merged.values());
        return sql.preparedQuery("""
                INSERT INTO profile_anchor (profile_id, registered_at, first_purchase_at)
                SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[])
                ON CONFLICT (profile_id) DO UPDATE SET
                  registered_at = LEAST(profile_anchor.registered_at, EXCLUDED.registered_at),
                  first_purchase_at = LEAST(profile_anchor.first_purchase_at, EXCLUDED.first_purchase_at)""")
                .execute(Sql.tuple(Sql.texts(rows.stream().map(TrackedEvent.Anchors::profileId).toList()),
                        Sql.times(rows.stream().map(TrackedEvent.Anchors::registeredAt).toList()),
                        Sql.times(rows.stream().map(TrackedEvent.Anchors::firstPurchaseAt).toList())))
                .replaceWithVoid();
    }

    private static java.time.Instant earliest(java.time.Instant a, java.time.Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isBefore(a) ? a : b;
    }
}
