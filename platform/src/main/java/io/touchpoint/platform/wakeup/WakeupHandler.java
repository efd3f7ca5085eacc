package io.touchpoint.platform.wakeup;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Acts on due wake-ups of one kind, inside the transaction that removes the wake-up: what the
 * handler writes (the next step, an outbox record, the next wake-up) commits with the removal, so a
 * wake-up is acted on exactly once, even when the process dies half-way.
 */
public interface WakeupHandler {

    String kind();

    Uni<Void> fire(SqlClient sql, Wakeup wakeup);
}
