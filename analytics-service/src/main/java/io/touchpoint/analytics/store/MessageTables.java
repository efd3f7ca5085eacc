package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.delivery.domain.MessageRollups;
import io.touchpoint.analytics.delivery.domain.MessageState;
import io.touchpoint.analytics.delivery.domain.Metric;
import io.touchpoint.analytics.ingest.domain.Fact;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

/** The message facts, the delivery events behind them, and the message rollups, set-based: a batch is a few statements. */
@ApplicationScoped
class MessageTables {

    private static final String DIM_COLUMNS = "request_id, profile_id, journey_id, node_id, template_id, channel, topic, arm, requested_at, suppressed_reason";
    private static final String METRIC_COLUMNS = Metric.all().stream().map(m -> m.column() + "_at, " + m.column() + "_n")
            .collect(Collectors.joining(", "));
    static final String COLUMNS = DIM_COLUMNS + ", " + METRIC_COLUMNS;
    private static final String SAVE = saveStatement();
    private static final String INSERT = insertStatement();
    private static final String ROLLUP = rollupStatement();

    /** @return the ids of the events not recorded before (a redelivered or replayed event is not) */
    Uni<Set<String>> recordEvents(SqlClient sql, List<Fact<DeliveryEvent>> facts) {
        List<Fact<DeliveryEvent>> unique = new ArrayList<>(facts.stream()
                .collect(Collectors.toMap(Fact::eventId, f -> f, (a, b) -> a, java.util.LinkedHashMap::new)).values());
        return sql.preparedQuery("""
                INSERT INTO delivery_event (request_id, event_id, status, reason, at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                ON CONFLICT (request_id, event_id) DO NOTHING RETURNING event_id""")
                .execute(Sql.tuple(Sql.texts(unique.stream().map(f -> f.value().requestId()).toList()),
                        Sql.texts(unique.stream().map(Fact::eventId).toList()),
                        Sql.texts(unique.stream().map(f -> f.value().status().name()).toList()),
                        Sql.texts(unique.stream().map(f -> f.value().reason()).toList()),
                        Sql.times(unique.stream().map(f -> f.value().at()).toList())))
                .map(rows -> {
                    Set<String> fresh = new HashSet<>();
                    rows.forEach(r -> fresh.add(r.getString(0)));
                    return fresh;
                });
    }

    /** The messages read for a change: the stored ones locked, and those with no row yet (new here). */
    record Locked(Map<String, MessageState> states, Set<String> fresh) {
    }

    /**
     * Reads and locks the stored messages in id order; the others are new. Two consumers that meet
     * the same new message at once (its request and its first delivery event) both insert it; the
     * second insert finds the row and the second transaction is retried ({@link #insert}), so
     * neither writes over the other.
     */
    Uni<Locked> lock(SqlClient sql, Collection<String> requestIds) {
        String[] sorted = requestIds.stream().distinct().sorted().toArray(String[]::new);
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM message WHERE request_id = ANY($1::text[]) ORDER BY request_id FOR UPDATE")
                .execute(Sql.tuple((Object) sorted))
                .map(rows -> {
                    Map<String, MessageState> states = new HashMap<>();
                    for (Row r : rows) {
                        MessageState s = read(r);
                        states.put(s.requestId(), s);
                    }
                    Set<String> fresh = new HashSet<>();
                    for (String id : sorted) {
                        if (!states.containsKey(id)) {
                            states.put(id, new MessageState(id));
                            fresh.add(id);
                        }
                    }
                    return new Locked(states, fresh);
                });
    }

    /** The messages of these profiles in these journeys (their arm may change with a new assignment). */
    Uni<List<String>> ofProfiles(SqlClient sql, List<String> journeyIds, List<String> profileIds) {
        return sql.preparedQuery("""
                SELECT m.request_id FROM message m JOIN unnest($1::text[], $2::text[]) AS p(journey_id, profile_id)
                  ON m.profile_id = p.profile_id AND m.journey_id = p.journey_id""")
                .execute(Sql.tuple(Sql.texts(journeyIds), Sql.texts(profileIds)))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    static MessageState read(Row r) {
        int n = Metric.all().size();
        Instant[] first = new Instant[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = Sql.instant(r.getOffsetDateTime(10 + 2 * i));
            count[i] = r.getInteger(11 + 2 * i);
        }
        return MessageState.stored(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getString(5), r.getString(6), r.getString(7), Sql.instant(r.getOffsetDateTime(8)), r.getString(9), first, count);
    }

    /** Writes changed stored messages. */
    Uni<Void> save(SqlClient sql, List<MessageState> states) {
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery(SAVE).execute(Sql.tupleOf(columns(states))).replaceWithVoid();
    }

    /** Inserts new messages; one another transaction inserted first means retrying this one. */
    Uni<Void> insert(SqlClient sql, List<MessageState> states) {
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery(INSERT).execute(Sql.tupleOf(columns(states))).invoke(rows -> {
            if (rows.rowCount() != states.size()) {
                throw new Transactions.ConcurrentChange("a message was inserted concurrently");
            }
        }).replaceWithVoid();
    }

    private static List<Object> columns(List<MessageState> states) {
        List<Object> params = new ArrayList<>();
        params.add(Sql.texts(states.stream().map(MessageState::requestId).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::profileId).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::journeyId).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::nodeId).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::templateId).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::channel).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::topic).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::arm).toList()));
        params.add(Sql.times(states.stream().map(MessageState::requestedAt).toList()));
        params.add(Sql.texts(states.stream().map(MessageState::suppressedReason).toList()));
        for (Metric m : Metric.all()) {
            params.add(Sql.times(states.stream().map(s -> s.first(m)).toList()));
            params.add(states.stream().map(s -> s.count(m)).toArray(Integer[]::new));
        }
        return params;
    }

    private static String arrayTypes() {
        StringBuilder types = new StringBuilder("$1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
                + "$8::text[], $9::timestamptz[], $10::text[]");
        int p = 11;
        for (int i = 0; i < Metric.all().size(); i++) {
            types.append(", $").append(p++).append("::timestamptz[], $").append(p++).append("::int[]");
        }
        return types.toString();
    }

    private static String insertStatement() {
        return "INSERT INTO message (" + COLUMNS + ") SELECT * FROM unnest(" + arrayTypes() + ") ON CONFLICT (request_id) DO NOTHING";
    }

    private static String saveStatement() {
        StringBuilder set = new StringBuilder("profile_id = u.profile_id, journey_id = u.journey_id, node_id = u.node_id, "
                + "template_id = u.template_id, channel = u.channel, topic = u.topic, arm = u.arm, requested_at = u.requested_at, "
                + "suppressed_reason = u.suppressed_reason");
        for (Metric m : Metric.all()) {
            set.append(", ").append(m.column()).append("_at = u.").append(m.column()).append("_at, ")
                    .append(m.column()).append("_n = u.").append(m.column()).append("_n");
        }
        return "UPDATE message m SET " + set + " FROM unnest(" + arrayTypes() + ") AS u(" + COLUMNS + ") WHERE m.request_id = u.request_id";
    }

    Uni<Void> addRollups(SqlClient sql, MessageRollups rollups) {
        var rows = rollups.rows();
        Uni<Void> counts = Uni.createFrom().voidItem();
        if (!rows.isEmpty()) {
            List<Object> params = new ArrayList<>();
            params.add(Sql.texts(rows.stream().map(e -> e.getKey().dims().journeyId()).toList()));
            params.add(rows.stream().map(e -> e.getKey().grain().code()).toArray(Short[]::new));
            params.add(Sql.times(rows.stream().map(e -> e.getKey().bucket()).toList()));
            params.add(Sql.texts(rows.stream().map(e -> e.getKey().dims().nodeId()).toList()));
            params.add(Sql.texts(rows.stream().map(e -> e.getKey().dims().templateId()).toList()));
            params.add(Sql.texts(rows.stream().map(e -> e.getKey().dims().channel()).toList()));
            params.add(Sql.texts(rows.stream().map(e -> e.getKey().dims().arm()).toList()));
            for (int i = 0; i < MessageRollups.WIDTH; i++) {
                int column = i;
                params.add(rows.stream().map(e -> e.getValue()[column]).toArray(Long[]::new));
            }
            counts = sql.preparedQuery(ROLLUP).execute(Sql.tupleOf(params)).replaceWithVoid();
        }
        var reasons = rollups.suppressedRows();
        Uni<Void> suppressed = Uni.createFrom().voidItem();
        if (!reasons.isEmpty()) {
            suppressed = sql.preparedQuery("""
                    INSERT INTO suppression_rollup (journey_id, grain, bucket, node_id, template_id, channel, arm, reason, messages)
                    SELECT * FROM unnest($1::text[], $2::int2[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                                         $8::text[], $9::bigint[])
                    ON CONFLICT (journey_id, grain, bucket, node_id, template_id, channel, arm, reason)
                    DO UPDATE SET messages = suppression_rollup.messages + EXCLUDED.messages""")
                    .execute(Sql.tuple(Sql.texts(reasons.stream().map(e -> e.getKey().key().dims().journeyId()).toList()),
                            reasons.stream().map(e -> e.getKey().key().grain().code()).toArray(Short[]::new),
                            Sql.times(reasons.stream().map(e -> e.getKey().key().bucket()).toList()),
                            Sql.texts(reasons.stream().map(e -> e.getKey().key().dims().nodeId()).toList()),
                            Sql.texts(reasons.stream().map(e -> e.getKey().key().dims().templateId()).toList()),
                            Sql.texts(reasons.stream().map(e -> e.getKey().key().dims().channel()).toList()),
                            Sql.texts(reasons.stream().map(e -> e.getKey().key().dims().arm()).toList()),
                            Sql.texts(reasons.stream().map(e -> e.getKey().reason()).toList()),
                            reasons.stream().map(e -> e.getValue()).toArray(Long[]::new)))
                    .replaceWithVoid();
        }
        return Uni.combine().all().unis(counts, suppressed).discardItems();
    }

    /** The rollup columns after the key, in {@link MessageRollups} order: requested, then unique and total per metric. */
    static List<String> rollupColumns() {
        List<String> columns = new ArrayList<>();
        columns.add("requested");
        for (Metric m : Metric.all()) {
            columns.add(m.column());
            columns.add(m.column() + "_total");
        }
        return columns;
    }

    private static String rollupStatement() {
        List<String> columns = rollupColumns();
        StringBuilder types = new StringBuilder("$1::text[], $2::int2[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[]");
        for (int i = 0; i < columns.size(); i++) {
            types.append(", $").append(8 + i).append("::bigint[]");
        }
        String set = columns.stream().map(c -> c + " = message_rollup." + c + " + EXCLUDED." + c).collect(Collectors.joining(", "));
        return "INSERT INTO message_rollup (journey_id, grain, bucket, node_id, template_id, channel, arm, "
                + String.join(", ", columns) + ") SELECT * FROM unnest(" + types + ") "
                + "ON CONFLICT (journey_id, grain, bucket, node_id, template_id, channel, arm) DO UPDATE SET " + set;
    }
}
