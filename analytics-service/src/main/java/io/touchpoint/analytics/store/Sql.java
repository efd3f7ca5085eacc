package io.touchpoint.analytics.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

import io.vertx.mutiny.sqlclient.Tuple;

/** Array parameters for set-based statements ({@code unnest}), so a batch is one statement, not one per row. */
final class Sql {

    private Sql() {
    }

    static String[] texts(Collection<String> values) {
        return values.toArray(String[]::new);
    }

    static OffsetDateTime ts(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    static OffsetDateTime[] times(Collection<Instant> values) {
        return values.stream().map(Sql::ts).toArray(OffsetDateTime[]::new);
    }

    /** Values may be null (a SQL NULL). */
    static Tuple tuple(Object... values) {
        return Tuple.from(java.util.Arrays.asList(values));
    }

    static Tuple tupleOf(List<Object> values) {
        return Tuple.from(values);
    }
}
