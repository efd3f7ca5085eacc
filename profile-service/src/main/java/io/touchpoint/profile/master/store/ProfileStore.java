package io.touchpoint.profile.master.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple2;
import io.touchpoint.profile.master.domain.ProfileState;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Profiles, their timeline and daily event counts in PostgreSQL. */
@ApplicationScoped
public class ProfileStore {

    private static final String COLUMNS = "id, version, traits::text, trait_meta::text, preferences::text, computed::text, "
            + "first_seen, last_seen, created_at, updated_at";

    @Inject
    Json json;

    /** The profile an id names now: itself, or the profile it was merged into. */
    public Uni<Optional<String>> resolveId(SqlClient sql, String id) {
        return sql.preparedQuery("""
                SELECT id FROM profile WHERE id = $1
                UNION ALL SELECT profile_id FROM profile_alias WHERE merged_id = $1
                LIMIT 1""").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getString(0)) : Optional.empty());
    }

    public Uni<Optional<ProfileState>> load(SqlClient sql, String id, boolean forUpdate) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM profile WHERE id = $1" + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(state(rows.iterator().next())) : Optional.empty());
    }

    /** The given profiles that exist, by id. */
    public Uni<Map<String, ProfileState>> loadAll(SqlClient sql, List<String> ids) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM profile WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, ProfileState> states = new LinkedHashMap<>();
                    rows.forEach(r -> states.put(r.getString(0), state(r)));
                    return states;
                });
    }

    /**
     * Locks the given profiles in id order, so two transactions never wait on each other in a cycle.
     *
     * @return the ids locked: those that (still) exist
     */
    public Uni<List<String>> lock(SqlClient sql, List<String> ids) {
        return sql.preparedQuery("SELECT id FROM profile WHERE id = ANY($1) ORDER BY id FOR UPDATE")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    List<String> locked = new ArrayList<>();
                    rows.forEach(r -> locked.add(r.getString(0)));
                    return locked;
                });
    }

    public Uni<Void> insert(SqlClient sql, ProfileState p, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO profile (id, version, traits, trait_meta, preferences, computed, first_seen, last_seen,
                                     created_at, updated_at)
                VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb, $6::text::jsonb, $7, $8, $9, $10)""")
                .execute(Tuple.from(Arrays.asList(p.id(), p.version(), json.write(p.traits()), json.write(meta(p)),
                        json.write(p.preferences()), json.write(p.computed()), ts(p.firstSeen()),
                        ts(p.lastSeen()), ts(p.createdAt()), ts(now))))
                .replaceWithVoid();
    }

    public Uni<Void> update(SqlClient sql, ProfileState p, Instant now) {
        return sql.preparedQuery("""
                UPDATE profile SET version = $2, traits = $3::text::jsonb, trait_meta = $4::text::jsonb, preferences = $5::text::jsonb,
                       computed = $6::text::jsonb, first_seen = $7, last_seen = $8, updated_at = $9
                WHERE id = $1""")
                .execute(Tuple.from(Arrays.asList(p.id(), p.version(), json.write(p.traits()), json.write(meta(p)),
                        json.write(p.preferences()), json.write(p.computed()), ts(p.firstSeen()),
                        ts(p.lastSeen()), ts(now))))
                .replaceWithVoid();
    }

    public Uni<Void> delete(SqlClient sql, String id) {
        return sql.preparedQuery("DELETE FROM profile WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /**
     * Records that (source, message) was applied to the profile and keeps it on the timeline.
     *
     * @return false when it was recorded before: the caller must not apply it again
     */
    public Uni<Boolean> recordEvent(SqlClient sql, String profileId, String sourceId, String messageId, String type,
            String event, Instant occurredAt, Instant receivedAt, String payload) {
        return sql.preparedQuery("""
                INSERT INTO profile_event (source_id, message_id, profile_id, type, event, occurred_at, received_at, payload)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)
                ON CONFLICT (source_id, message_id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(sourceId, messageId, profileId, type, event, ts(occurredAt),
                        ts(receivedAt), payload)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Which of the (source, message) pairs, given as two parallel lists, were recorded before. */
    public Uni<List<Tuple2<String, String>>> recordedAmong(SqlClient sql, List<String> sourceIds, List<String> messageIds) {
        return sql.preparedQuery("""
                SELECT e.source_id, e.message_id FROM profile_event e
                JOIN unnest($1::text[], $2::text[]) AS q(source_id, message_id)
                  ON e.source_id = q.source_id AND e.message_id = q.message_id""")
                .execute(Tuple.of(sourceIds.toArray(String[]::new), messageIds.toArray(String[]::new)))
                .map(rows -> {
                    List<Tuple2<String, String>> recorded = new ArrayList<>();
                    rows.forEach(r -> recorded.add(Tuple2.of(r.getString(0), r.getString(1))));
                    return recorded;
                });
    }

    public Uni<Void> countDaily(SqlClient sql, String profileId, String event, Instant at, BigDecimal value) {
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        return sql.preparedQuery("""
                INSERT INTO event_daily (profile_id, event, day, count, value) VALUES ($1, $2, $3, 1, $4)
                ON CONFLICT (profile_id, event, day)
                DO UPDATE SET count = event_daily.count + 1, value = event_daily.value + excluded.value""")
                .execute(Tuple.of(profileId, event, day, value)).replaceWithVoid();
    }

    /**
     * Purchases minus refunds per day after {@code since}, the days the trailing-window monetary value
     * is made of (days that net to zero are left out).
     */
    public Uni<SortedMap<LocalDate, BigDecimal>> windowValues(SqlClient sql, String profileId, Instant since,
            List<String> purchases, List<String> refunds) {
        return sql.preparedQuery("""
                SELECT day, sum(CASE WHEN event = ANY($3) THEN value ELSE -value END)
                FROM event_daily WHERE profile_id = $1 AND day > $2 AND (event = ANY($3) OR event = ANY($4))
                GROUP BY day""")
                .execute(Tuple.of(profileId, since.atOffset(ZoneOffset.UTC).toLocalDate(), purchases.toArray(String[]::new),
                        refunds.toArray(String[]::new)))
                .map(rows -> {
                    SortedMap<LocalDate, BigDecimal> perDay = new TreeMap<>();
                    for (Row row : rows) {
                        BigDecimal net = row.getBigDecimal(1);
                        if (net != null && net.signum() != 0) {
                            perDay.put(row.getLocalDate(0), net);
                        }
                    }
                    return perDay;
                });
    }

    /** Moves the loser's timeline and daily counts to the survivor (a merge). */
    public Uni<Void> moveActivity(SqlClient sql, String loser, String survivor) {
        return sql.preparedQuery("UPDATE profile_event SET profile_id = $2 WHERE profile_id = $1")
                .execute(Tuple.of(loser, survivor))
                .chain(() -> sql.preparedQuery("""
                        INSERT INTO event_daily (profile_id, event, day, count, value)
                        SELECT $2, event, day, count, value FROM event_daily WHERE profile_id = $1
                        ON CONFLICT (profile_id, event, day)
                        DO UPDATE SET count = event_daily.count + excluded.count, value = event_daily.value + excluded.value""")
                        .execute(Tuple.of(loser, survivor)))
                .chain(() -> sql.preparedQuery("DELETE FROM event_daily WHERE profile_id = $1").execute(Tuple.of(loser)))
                .replaceWithVoid();
    }

    public record TimelineEntry(String sourceId, String messageId, String type, String event, Instant timestamp,
            Instant receivedAt, Map<String, Object> payload) {
    }

    /** Newest first; {@code before} is the (timestamp, messageId) of the last entry of the previous page. */
    public Uni<List<TimelineEntry>> timeline(SqlClient sql, String profileId, Instant beforeAt, String beforeMessageId,
            int limit) {
        String where = beforeAt == null ? "" : " AND (occurred_at, message_id) < ($3, $4)";
        Tuple args = beforeAt == null ? Tuple.of(profileId, limit) : Tuple.of(profileId, limit, ts(beforeAt), beforeMessageId);
        return sql.preparedQuery("SELECT source_id, message_id, type, event, occurred_at, received_at, payload::text "
                + "FROM profile_event WHERE profile_id = $1" + where + " ORDER BY occurred_at DESC, message_id DESC LIMIT $2")
                .execute(args)
                .map(rows -> {
                    List<TimelineEntry> entries = new ArrayList<>();
                    for (Row r : rows) {
                        entries.add(new TimelineEntry(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                                instant(r.getOffsetDateTime(4)), instant(r.getOffsetDateTime(5)), json.map(r.getString(6))));
                    }
                    return entries;
                });
    }

    public record DailyCount(String event, LocalDate day, int count, BigDecimal value) {
    }

    public Uni<List<DailyCount>> dailyCounts(SqlClient sql, String profileId) {
        return sql.preparedQuery("SELECT event, day, count, value FROM event_daily WHERE profile_id = $1 ORDER BY day, event")
                .execute(Tuple.of(profileId))
                .map(rows -> {
                    List<DailyCount> counts = new ArrayList<>();
                    for (Row r : rows) {
                        counts.add(new DailyCount(r.getString(0), r.getLocalDate(1), r.getInteger(2), r.getBigDecimal(3)));
                    }
                    return counts;
                });
    }

    /** A page of profiles in id order, optionally only those whose traits contain {@code traitFilter}. */
    public Uni<List<ProfileState>> page(SqlClient sql, String afterId, Map<String, Object> traitFilter, int limit) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM profile WHERE id > $1 AND traits @> $2::text::jsonb ORDER BY id LIMIT $3")
                .execute(Tuple.of(afterId == null ? "" : afterId, json.write(traitFilter), limit))
                .map(rows -> {
                    List<ProfileState> page = new ArrayList<>();
                    rows.forEach(r -> page.add(state(r)));
                    return page;
                });
    }

    private Map<String, Object> meta(ProfileState p) {
        Map<String, Object> meta = new LinkedHashMap<>();
        p.traitMeta().forEach((k, v) -> meta.put(k, Map.of("at", v.at().toString(), "source", v.source())));
        return meta;
    }

    private ProfileState state(Row r) {
        Map<String, ProfileState.TraitMeta> meta = new LinkedHashMap<>();
        json.map(r.getString(3)).forEach((k, v) -> {
            Map<?, ?> m = (Map<?, ?>) v;
            meta.put(k, new ProfileState.TraitMeta(Instant.parse((String) m.get("at")), (String) m.get("source")));
        });
        return new ProfileState(r.getString(0), r.getLong(1), json.map(r.getString(2)), meta, json.map(r.getString(4)),
                json.map(r.getString(5)), instant(r.getOffsetDateTime(6)), instant(r.getOffsetDateTime(7)),
                instant(r.getOffsetDateTime(8)));
    }
}
