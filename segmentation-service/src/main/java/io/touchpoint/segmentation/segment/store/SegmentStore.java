package io.touchpoint.segmentation.segment.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.store.Json;
import io.touchpoint.conditions.ConditionParser;
import io.touchpoint.segmentation.segment.domain.Segment;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Segment definitions in PostgreSQL. */
@ApplicationScoped
public class SegmentStore {

    private static final String COLUMNS = "id, name, description, tags::text, state, condition::text, version, created_at, updated_at";

    @Inject
    Json json;

    public Uni<Void> insert(SqlClient sql, Segment s) {
        return sql.preparedQuery("""
                INSERT INTO segment (id, name, description, tags, state, condition, version, created_at, updated_at)
                VALUES ($1, $2, $3, $4::text::jsonb, $5, $6::text::jsonb, $7, $8, $9)""")
                .execute(Tuple.from(Arrays.asList(s.id(), s.name(), s.description(), json.write(s.tags()),
                        s.state().jsonName(), json.write(s.condition()), s.version(), ts(s.createdAt()), ts(s.updatedAt()))))
                .replaceWithVoid();
    }

    public Uni<Void> update(SqlClient sql, Segment s) {
        return sql.preparedQuery("""
                UPDATE segment SET name = $2, description = $3, tags = $4::text::jsonb, state = $5,
                       condition = $6::text::jsonb, version = $7, updated_at = $8
                WHERE id = $1""")
                .execute(Tuple.from(Arrays.asList(s.id(), s.name(), s.description(), json.write(s.tags()),
                        s.state().jsonName(), json.write(s.condition()), s.version(), ts(s.updatedAt()))))
                .replaceWithVoid();
    }

    public Uni<Void> delete(SqlClient sql, String id) {
        return sql.preparedQuery("DELETE FROM segment WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    public Uni<Optional<Segment>> find(SqlClient sql, String id, boolean forUpdate) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM segment WHERE id = $1" + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id)).map(rows -> segments(rows).stream().findFirst());
    }

    /**
     * Every segment. Definitions are few (hundreds), and cycle checks and dependency ordering need
     * the whole graph.
     */
    public Uni<List<Segment>> all(SqlClient sql) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM segment ORDER BY created_at, id").execute()
                .map(this::segments);
    }

    public Uni<List<Segment>> active(SqlClient sql) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM segment WHERE state = 'active' ORDER BY created_at, id")
                .execute().map(this::segments);
    }

    /** A page in id order after {@code after} (keyset paging: stable while segments are added). */
    public Uni<List<Segment>> page(SqlClient sql, int limit, String after) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM segment WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT $2")
                .execute(Tuple.of(after, limit)).map(this::segments);
    }

    /**
     * Serializes definition changes: cycle and in-use checks read the whole graph, so two
     * concurrent saves must not both pass them against the same old graph.
     */
    public Uni<Void> lockDefinitions(SqlClient sql) {
        return sql.query("SELECT pg_advisory_xact_lock(4242001)").execute().replaceWithVoid();
    }

    private List<Segment> segments(RowSet<Row> rows) {
        List<Segment> out = new ArrayList<>();
        for (Row r : rows) {
            Object condition = json.read(r.getString(5), Object.class);
            var parsed = ConditionParser.parse(condition, "condition");
            List<String> tags = json.list(r.getString(3)).stream().map(String::valueOf).toList();
            out.add(new Segment(r.getString(0), r.getString(1), r.getString(2), tags,
                    Segment.State.valueOf(r.getString(4).toUpperCase(Locale.ROOT)), condition, parsed.condition(),
                    parsed.referencedSegments(), r.getLong(6), instant(r.getOffsetDateTime(7)),
                    instant(r.getOffsetDateTime(8))));
        }
        return out;
    }
}
