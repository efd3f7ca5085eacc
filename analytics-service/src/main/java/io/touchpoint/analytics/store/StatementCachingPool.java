package io.touchpoint.analytics.store;

import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * The pool as configured, with room in each connection's prepared-statement cache for the ingest's
 * wide statements: the message rollup upsert is longer than the client's default limit of 2,048
 * characters, so without this it would be parsed and planned again in every transaction.
 */
@Singleton
class StatementCachingPool implements PgPoolCreator {

    /** Longer than the longest statement the ingest sends (the message rollup upsert, about 2,700 characters). */
    static final int SQL_LIMIT = 8_192;

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> servers = List.copyOf(input.pgConnectOptionsList());
        for (SqlConnectOptions options : servers) {
            options.setPreparedStatementCacheSqlLimit(SQL_LIMIT);
        }
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(servers).using(input.vertx()).build();
    }
}
