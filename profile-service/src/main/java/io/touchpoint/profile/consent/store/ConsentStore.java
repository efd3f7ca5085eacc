package io.touchpoint.profile.consent.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.profile.consent.domain.ConsentChange;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class ConsentStore {

    @Inject
    Json json;

    public record ConsentRecord(String channel, String topic, ConsentState.Status status, boolean transactional, Instant at,
            String source, Map<String, Object> proof, Instant recordedAt) {
    }

    /**
     * Keeps every statement in the history; the current state changes only when the statement is
     * at least as new as the current one, so a late event never overrides a newer choice. Both
     * statements are sent at once (independent; the connection pipelines them, in order).
     *
     * @return true when the current state changed
     */
    public Uni<Boolean> apply(SqlClient sql, String profileId, ConsentChange c, Instant now) {
        String proof = c.proof() == null ? null : json.write(c.proof());
        Uni<?> history = sql.preparedQuery("""
                INSERT INTO consent_history (profile_id, channel, topic, status, transactional, at, source, proof, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9)""")
                .execute(Tuple.from(Arrays.asList(profileId, c.channel(), c.topic(), c.status().name(), c.transactional(),
                        ts(c.at()), c.source(), proof, ts(now))));
        Uni<Boolean> current = sql.preparedQuery("""
                INSERT INTO consent (profile_id, channel, topic, status, transactional, at, source, proof)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)
                ON CONFLICT (profile_id, channel, topic) DO UPDATE
                SET status = excluded.status, transactional = excluded.transactional, at = excluded.at,
                    source = excluded.source, proof = excluded.proof
                WHERE consent.at <= excluded.at
                  AND (consent.status, consent.transactional) IS DISTINCT FROM (excluded.status, excluded.transactional)""")
                .execute(Tuple.from(Arrays.asList(profileId, c.channel(), c.topic(), c.status().name(),
                        c.transactional(), ts(c.at()), c.source(), proof)))
                .map(rows -> rows.rowCount() == 1);
        return Uni.combine().all().unis(history, current).asTuple().map(both -> both.getItem2());
    }

    public Uni<List<ConsentRecord>> current(SqlClient sql, String profileId) {
        return sql.preparedQuery("""
                SELECT channel, topic, status, transactional, at, source, proof::text, NULL::timestamptz
                FROM consent WHERE profile_id = $1 ORDER BY channel, topic""")
                .execute(Tuple.of(profileId)).map(this::records);
    }

    public Uni<List<ConsentRecord>> history(SqlClient sql, String profileId) {
        return sql.preparedQuery("""
                SELECT channel, topic, status, transactional, at, source, proof::text, recorded_at
                FROM consent_history WHERE profile_id = $1 ORDER BY at, id""")
                .execute(Tuple.of(profileId)).map(this::records);
    }

    /** A merge: the survivor keeps, per channel and topic, whichever statement is newer. */
    public Uni<Void> merge(SqlClient sql, String loser, String survivor) {
        return sql.preparedQuery("""
                INSERT INTO consent (profile_id, channel, topic, status, transactional, at, source, proof)
                SELECT $2, channel, topic, status, transactional, at, source, proof FROM consent WHERE profile_id = $1
                ON CONFLICT (profile_id, channel, topic) DO UPDATE
                SET status = excluded.status, transactional = excluded.transactional, at = excluded.at,
                    source = excluded.source, proof = excluded.proof
                WHERE consent.at < excluded.at""").execute(Tuple.of(loser, survivor))
                .chain(() -> sql.preparedQuery("UPDATE consent_history SET profile_id = $2 WHERE profile_id = $1")
                        .execute(Tuple.of(loser, survivor)))
                .replaceWithVoid();
    }

    private List<ConsentRecord> records(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<ConsentRecord> list = new ArrayList<>();
        for (Row r : rows) {
            list.add(new ConsentRecord(r.getString(0), r.getString(1), ConsentState.Status.valueOf(r.getString(2)),
                    r.getBoolean(3), instant(r.getOffsetDateTime(4)), r.getString(5),
                    r.getString(6) == null ? null : json.map(r.getString(6)), instant(r.getOffsetDateTime(7))));
        }
        return list;
    }
}
