package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Each consumer's progress, per topic partition, in the database: the next offset to apply and the
 * newest event time applied. It moves in the same transaction as the facts and rollups a batch
 * changed, so a record redelivered after a crash (the broker's committed offset lags behind) is
 * recognised by its offset and skipped.
 */
@ApplicationScoped
class ProgressTable {

    private final Pool pool;

    ProgressTable(Pool pool) {
        this.pool = pool;
    }

    /** Locks the partitions' rows (creating missing ones) and answers each one's next offset. */
    Uni<Map<Integer, Long>> claim(SqlClient sql, String topic, Collection<Integer> partitions) {
        Integer[] sorted = partitions.stream().sorted().toArray(Integer[]::new);
        // Sent together: the connection runs them in order, so the select sees the rows the insert made.
        Uni<?> created = sql.preparedQuery("""
                INSERT INTO consumer_progress (topic, partition, next_offset) SELECT $1, unnest($2::int[]), 0
                ON CONFLICT (topic, partition) DO NOTHING""").execute(Sql.tuple(topic, sorted));
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> read = sql.preparedQuery("""
                SELECT partition, next_offset FROM consumer_progress WHERE topic = $1 AND partition = ANY($2::int[])
                ORDER BY partition FOR UPDATE""").execute(Sql.tuple(topic, sorted));
        return Uni.combine().all().unis(created, read).asTuple().map(both -> both.getItem2())
                .map(rows -> {
                    Map<Integer, Long> next = new HashMap<>();
                    for (Row r : rows) {
                        next.put(r.getInteger(0), r.getLong(1));
                    }
                    return next;
                });
    }

    record Advance(int partition, long nextOffset, Instant newestAt) {
    }

    Uni<Void> advance(SqlClient sql, String topic, List<Advance> advances) {
        if (advances.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("""
                UPDATE consumer_progress p SET next_offset = GREATEST(p.next_offset, a.next_offset),
                       newest_at = GREATEST(p.newest_at, a.newest_at)
                FROM unnest($2::int[], $3::bigint[], $4::timestamptz[]) AS a(partition, next_offset, newest_at)
                WHERE p.topic = $1 AND p.partition = a.partition""")
                .execute(Sql.tuple(topic, advances.stream().map(Advance::partition).toArray(Integer[]::new),
                        advances.stream().map(Advance::nextOffset).toArray(Long[]::new),
                        Sql.times(advances.stream().map(Advance::newestAt).toList())))
                .replaceWithVoid();
    }

    /** The newest event time applied from any of these topics. */
    Uni<Optional<Instant>> newest(Collection<String> topics) {
        return pool.preparedQuery("SELECT max(newest_at) FROM consumer_progress WHERE topic = ANY($1::text[])")
                .execute(Sql.tuple((Object) Sql.texts(topics)))
                .map(rows -> Optional.ofNullable(Sql.instant(rows.iterator().next().getOffsetDateTime(0))));
    }
}
