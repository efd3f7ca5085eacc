package io.touchpoint.gateway.delivery.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.DeliveryState;
import io.touchpoint.gateway.delivery.domain.RecipientFacts;
import io.touchpoint.platform.store.Json;
import io.touchpoint.platform.store.Rows;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The delivery ledger and its decision history (V4__delivery.sql). */
@ApplicationScoped
public class DeliveryStore {

    private static final String COLUMNS = """
            request_id, delivery_id, profile_id, journey_id, step_id, template_id, topic, transactional,
            requested_channel, channel, address, state, reason, detail, variables::text, requested_at, expires_at""";

    /** One decision in a request's history. */
    public record DecisionRow(Instant at, DeliveryState state, String channel, String reason, String detail) {
    }

    private final Json json;

    DeliveryStore(Json json) {
        this.json = json;
    }

    /**
     * Takes the profiles' locks for the rest of the transaction, in the order given: decisions about
     * one recipient are made one at a time, so two of them cannot both pass a frequency cap that allows
     * only one. Callers pass the ids sorted, so two transactions locking overlapping sets cannot deadlock.
     */
    public Uni<Void> lockRecipients(SqlClient sql, List<String> sortedProfileIds) {
        return sql.preparedQuery("""
                SELECT count(pg_advisory_xact_lock(hashtextextended(p, 7)))
                FROM (SELECT p FROM unnest($1::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n) AS s""")
                .execute(Tuple.of(sortedProfileIds.toArray(String[]::new))).replaceWithVoid();
    }

    /** The ones of these requests the ledger has. */
    public Uni<Set<String>> known(SqlClient sql, List<String> requestIds) {
        return sql.preparedQuery("SELECT request_id FROM delivery WHERE request_id = ANY($1)")
                .execute(Tuple.of(requestIds.toArray(String[]::new))).map(rows -> new HashSet<>(Rows.firstColumn(rows)));
    }

    /** A new request with its first decision. */
    public record Arrived(Delivery delivery, Instant sendDecidedAt, Instant deliverAfter) {
    }

    /** New requests with their first decisions, in one statement; the ids of those inserted (a known request is not). */
    public Uni<Set<String>> insertAll(SqlClient sql, List<Arrived> arrived, Instant now) {
        if (arrived.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Delivery> ds = arrived.stream().map(Arrived::delivery).toList();
        return sql.preparedQuery("""
                INSERT INTO delivery (request_id, delivery_id, profile_id, journey_id, step_id, template_id, topic,
                    transactional, requested_channel, channel, address, state, reason, detail, variables, requested_at,
                    expires_at, send_decided_at, deliver_after, created_at, updated_at)
                SELECT r, d, p, j, st, t, tp, tr, rc, c, a, s, re, de, v::jsonb, ra, ea, sd, da, $20, $20
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[],
                    $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                    $16::timestamptz[], $17::timestamptz[], $18::timestamptz[], $19::timestamptz[])
                    WITH ORDINALITY AS u(r, d, p, j, st, t, tp, tr, rc, c, a, s, re, de, v, ra, ea, sd, da, n)
                ORDER BY n
                ON CONFLICT (request_id) DO NOTHING RETURNING request_id""")
                .execute(Tuple.from(Arrays.asList(
                        ds.stream().map(Delivery::requestId).toArray(String[]::new),
                        ds.stream().map(Delivery::deliveryId).toArray(String[]::new),
                        ds.stream().map(Delivery::profileId).toArray(String[]::new),
                        ds.stream().map(Delivery::journeyId).toArray(String[]::new),
                        ds.stream().map(Delivery::stepId).toArray(String[]::new),
                        ds.stream().map(Delivery::templateId).toArray(String[]::new),
                        ds.stream().map(Delivery::topic).toArray(String[]::new),
                        ds.stream().map(Delivery::transactional).toArray(Boolean[]::new),
                        ds.stream().map(Delivery::requestedChannel).toArray(String[]::new),
                        ds.stream().map(Delivery::channel).toArray(String[]::new),
                        ds.stream().map(Delivery::address).toArray(String[]::new),
                        ds.stream().map(d -> d.state().code()).toArray(String[]::new),
                        ds.stream().map(Delivery::reason).toArray(String[]::new),
                        ds.stream().map(Delivery::detail).toArray(String[]::new),
                        ds.stream().map(d -> json.write(d.variables())).toArray(String[]::new),
                        ds.stream().map(d -> ts(d.requestedAt())).toArray(OffsetDateTime[]::new),
                        ds.stream().map(d -> ts(d.expiresAt())).toArray(OffsetDateTime[]::new),
                        arrived.stream().map(a -> ts(a.sendDecidedAt())).toArray(OffsetDateTime[]::new),
                        arrived.stream().map(a -> ts(a.deliverAfter())).toArray(OffsetDateTime[]::new),
                        ts(now))))
                .map(rows -> new HashSet<>(Rows.firstColumn(rows)));
    }

    public Uni<Optional<Delivery>> find(SqlClient sql, String requestId) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM delivery WHERE request_id = $1").execute(Tuple.of(requestId))
                .map(rows -> first(rows));
    }

    public Uni<Optional<Delivery>> findByDeliveryId(SqlClient sql, String deliveryId) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM delivery WHERE delivery_id = $1").execute(Tuple.of(deliveryId))
                .map(rows -> first(rows));
    }

    public Uni<Optional<Delivery>> lock(SqlClient sql, String requestId) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM delivery WHERE request_id = $1 FOR UPDATE")
                .execute(Tuple.of(requestId)).map(rows -> first(rows));
    }

    /** A later decision about a known request (a deferral ended). */
    public Uni<Void> decide(SqlClient sql, String requestId, DeliveryState state, String channel, String address, String reason,
            String detail, Instant sendDecidedAt, Instant deliverAfter, Instant now) {
        return sql.preparedQuery("""
                UPDATE delivery SET state = $2, channel = $3, address = $4, reason = $5, detail = $6, send_decided_at = $7,
                    deliver_after = $8, updated_at = $9 WHERE request_id = $1""")
                .execute(Tuple.from(Arrays.asList(requestId, state.code(), channel, address, reason, detail, ts(sendDecidedAt),
                        ts(deliverAfter), ts(now))))
                .replaceWithVoid();
    }

    public Uni<Void> history(SqlClient sql, String requestId, DeliveryState state, String channel, String reason,
            String detail, Instant now) {
        return sql.preparedQuery("""
                INSERT INTO delivery_decision (request_id, at, state, channel, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.from(Arrays.asList(requestId, ts(now), state.code(), channel, reason, detail)))
                .replaceWithVoid();
    }

    /** One decision for each of the deliveries, in one statement: a claimed batch moving to sending. */
    public Uni<Void> historyOfAll(SqlClient sql, List<Delivery> deliveries, DeliveryState state, String detail, Instant now) {
        if (deliveries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                INSERT INTO delivery_decision (request_id, at, state, channel, reason, detail)
                SELECT r, $2, $3, c, NULL, $4 FROM unnest($1::text[], $5::text[]) WITH ORDINALITY AS u(r, c, n) ORDER BY n""")
                .execute(Tuple.from(Arrays.asList(deliveries.stream().map(Delivery::requestId).toArray(String[]::new), ts(now),
                        state.code(), detail, deliveries.stream().map(Delivery::channel).toArray(String[]::new))))
                .replaceWithVoid();
    }

    public Uni<List<DecisionRow>> decisions(SqlClient sql, String requestId) {
        return sql.preparedQuery("SELECT at, state, channel, reason, detail FROM delivery_decision WHERE request_id = $1 ORDER BY id")
                .execute(Tuple.of(requestId)).map(rows -> {
                    List<DecisionRow> all = new ArrayList<>();
                    for (Row r : rows) {
                        all.add(new DecisionRow(instant(r.getOffsetDateTime(0)), DeliveryState.of(r.getString(1)),
                                r.getString(2), r.getString(3), r.getString(4)));
                    }
                    return all;
                });
    }

    /**
     * Moves the oldest queued rows to sending, as {@code instance}, in the caller's transaction:
     * committed before any provider call, so a crash during the call leaves them in sending, never
     * queued (which would send again).
     */
    public Uni<List<Delivery>> claimQueued(SqlClient sql, int limit, String instance, Instant now) {
        return sql.preparedQuery("""
                UPDATE delivery SET state = 'sending', sending_at = $3, sending_by = $2, updated_at = $3,
                    attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, $3)
                WHERE request_id IN (SELECT request_id FROM delivery WHERE state = 'queued' ORDER BY transactional DESC, send_decided_at
                    LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING """ + " " + COLUMNS)
                .execute(Tuple.of(limit, instance, ts(now))).map(this::all);
    }

    /** The provider's answer for a row in sending; false when the row is no longer sending (declared unknown meanwhile). */
    public Uni<Boolean> finish(SqlClient sql, String requestId, DeliveryState state, String reason, String detail, Instant now) {
        return finish(sql, requestId, state, reason, detail, null, now);
    }

    /** As {@link #finish(SqlClient, String, DeliveryState, String, String, Instant)}, with the parts the provider took. */
    public Uni<Boolean> finish(SqlClient sql, String requestId, DeliveryState state, String reason, String detail, Integer parts,
            Instant now) {
        return sql.preparedQuery("""
                UPDATE delivery SET state = $2, reason = $3, detail = $4, sent_at = CASE WHEN $2 = 'sent' THEN $5::timestamptz END,
                    updated_at = $5::timestamptz, parts = coalesce($6, parts) WHERE request_id = $1 AND state = 'sending'""")
                .execute(Tuple.from(Arrays.asList(requestId, state.code(), reason, detail, ts(now), parts)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The rows among these still sent (awaiting receipts), locked, in request id order. */
    public Uni<List<Delivery>> lockSent(SqlClient sql, List<String> requestIds) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM delivery WHERE request_id = ANY($1) AND state = 'sent' "
                + "ORDER BY request_id FOR UPDATE").execute(Tuple.of(requestIds.toArray(String[]::new))).map(this::all);
    }

    /** A decision about a row: its new state, with the reason and detail it records. */
    public record Decided(Delivery delivery, DeliveryState state, String reason, String detail) {
    }

    /** What receipts reported after the provider took the messages, in one statement: the request ids of the rows that were still sent and moved. */
    public Uni<List<String>> receiptedAll(SqlClient sql, List<Decided> ends, Instant now) {
        if (ends.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return sql.preparedQuery("""
                UPDATE delivery AS d SET state = u.s, reason = u.r, detail = u.x, updated_at = $5
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, s, r, x)
                WHERE d.request_id = u.id AND d.state = 'sent' RETURNING d.request_id""")
                .execute(Tuple.from(Arrays.asList(ends.stream().map(e -> e.delivery().requestId()).toArray(String[]::new),
                        ends.stream().map(e -> e.state().code()).toArray(String[]::new),
                        ends.stream().map(Decided::reason).toArray(String[]::new),
                        ends.stream().map(Decided::detail).toArray(String[]::new), ts(now))))
                .map(Rows::firstColumn);
    }

    /**
     * Rows the provider took, from sending to sent with its detail and parts, in one statement;
     * the request ids of the rows that were still sending and moved.
     */
    public Uni<List<String>> sentAll(SqlClient sql, List<String> requestIds, List<String> details, List<Integer> parts, Instant now) {
        return sql.preparedQuery("""
                UPDATE delivery AS d SET state = 'sent', reason = NULL, detail = u.x, sent_at = $4, updated_at = $4,
                    parts = coalesce(u.n, d.parts)
                FROM unnest($1::text[], $2::text[], $3::int[]) AS u(id, x, n)
                WHERE d.request_id = u.id AND d.state = 'sending' RETURNING d.request_id""")
                .execute(Tuple.from(Arrays.asList(requestIds.toArray(String[]::new), details.toArray(String[]::new),
                        parts.toArray(Integer[]::new), ts(now))))
                .map(Rows::firstColumn);
    }

    /** The history rows of these decisions, in one statement. */
    public Uni<Void> historyOf(SqlClient sql, List<Decided> ends, Instant now) {
        if (ends.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                INSERT INTO delivery_decision (request_id, at, state, channel, reason, detail)
                SELECT id, $5, s, c, r, x FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[])
                    WITH ORDINALITY AS u(id, s, r, x, c, n) ORDER BY n""")
                .execute(Tuple.from(Arrays.asList(ends.stream().map(e -> e.delivery().requestId()).toArray(String[]::new),
                        ends.stream().map(e -> e.state().code()).toArray(String[]::new),
                        ends.stream().map(Decided::reason).toArray(String[]::new),
                        ends.stream().map(Decided::detail).toArray(String[]::new), ts(now),
                        ends.stream().map(e -> e.delivery().channel()).toArray(String[]::new))))
                .replaceWithVoid();
    }

    /** How often the row was handed to its provider, when first (null before the first time), and the parts it took (once sent). */
    public record Attempts(int count, Instant first, Integer parts) {
    }

    public Uni<Attempts> attempts(SqlClient sql, String requestId) {
        return sql.preparedQuery("SELECT attempts, first_attempt_at, parts FROM delivery WHERE request_id = $1")
                .execute(Tuple.of(requestId)).map(rows -> {
                    if (rows.size() == 0) {
                        return new Attempts(0, null, null);
                    }
                    Row r = rows.iterator().next();
                    return new Attempts(r.getInteger(0), instant(r.getOffsetDateTime(1)), r.getInteger(2));
                });
    }

    /**
     * Rows left in sending by a process that stopped: those {@code instance} itself claimed (it is
     * starting again, so none of its sends is in flight), and those anyone claimed before
     * {@code claimedBefore} (longer than a provider call can take). They become unknown.
     */
    public Uni<List<Delivery>> markStuck(SqlClient sql, String instance, Instant claimedBefore, String reason,
            String detail, Instant now) {
        return sql.preparedQuery("""
                UPDATE delivery SET state = 'unknown', reason = $3, detail = $4, updated_at = $5
                WHERE request_id IN (SELECT request_id FROM delivery WHERE state = 'sending'
                    AND (sending_by = $1 OR sending_at < $2) FOR UPDATE SKIP LOCKED)
                RETURNING """ + " " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(instance, ts(claimedBefore), reason, detail, ts(now)))).map(this::all);
    }

    /**
     * The marketing messages let go to these profiles since {@code since}, per profile (none: absent):
     * channel, topic, instant (frequency caps).
     */
    public Uni<Map<String, List<RecipientFacts.Sent>>> marketingSent(SqlClient sql, List<String> profileIds, Instant since) {
        return sql.preparedQuery("""
                SELECT profile_id, channel, topic, send_decided_at FROM delivery WHERE profile_id = ANY($1)
                    AND send_decided_at >= $2 AND NOT transactional
                    AND state IN ('queued', 'sending', 'sent', 'delivered', 'unknown')""")
                .execute(Tuple.of(profileIds.toArray(String[]::new), ts(since))).map(rows -> {
                    Map<String, List<RecipientFacts.Sent>> sent = new HashMap<>();
                    for (Row r : rows) {
                        sent.computeIfAbsent(r.getString(0), p -> new ArrayList<>()).add(new RecipientFacts.Sent(r.getString(1),
                                r.getString(2), instant(r.getOffsetDateTime(3))));
                    }
                    return sent;
                });
    }

    /** The profile's latest delivery sent on the channel to this address (what a reply to it answers), if any. */
    public Uni<Optional<Delivery>> latestSent(SqlClient sql, String profileId, String channel, String address) {
        return sql.preparedQuery("SELECT " + COLUMNS + """
                 FROM delivery WHERE profile_id = $1 AND channel = $2 AND address = $3 AND sent_at IS NOT NULL
                ORDER BY sent_at DESC LIMIT 1""").execute(Tuple.of(profileId, channel, address)).map(this::first);
    }

    /** A sent message came back for good. */
    public Uni<Void> bounced(SqlClient sql, String requestId, String reason, String detail, Instant now) {
        return sql.preparedQuery("UPDATE delivery SET state = 'bounced', reason = $2, detail = $3, updated_at = $4 WHERE request_id = $1")
                .execute(Tuple.of(requestId, reason, detail, ts(now))).replaceWithVoid();
    }

    /** A request waiting, deferred, for its recipient. */
    public record Waiting(String profileId, String requestId) {
    }

    /** The requests of these profiles deferred for this reason. */
    public Uni<List<Waiting>> deferredOf(SqlClient sql, List<String> profileIds, String reason) {
        return sql.preparedQuery("SELECT profile_id, request_id FROM delivery WHERE profile_id = ANY($1) AND state = 'deferred' AND reason = $2")
                .execute(Tuple.of(profileIds.toArray(String[]::new), reason)).map(rows -> {
                    List<Waiting> waiting = new ArrayList<>();
                    rows.forEach(r -> waiting.add(new Waiting(r.getString(0), r.getString(1))));
                    return waiting;
                });
    }

    /** Erasure: the person's rows and their history go. */
    public Uni<Void> forget(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM delivery WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }

    private Optional<Delivery> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next()));
    }

    private List<Delivery> all(RowSet<Row> rows) {
        List<Delivery> all = new ArrayList<>();
        for (Row r : rows) {
            all.add(read(r));
        }
        return all;
    }

    private Delivery read(Row r) {
        return new Delivery(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), r.getBoolean(7), r.getString(8), r.getString(9), r.getString(10),
                DeliveryState.of(r.getString(11)), r.getString(12), r.getString(13), json.map(r.getString(14)),
                instant(r.getOffsetDateTime(15)), instant(r.getOffsetDateTime(16)));
    }
}
