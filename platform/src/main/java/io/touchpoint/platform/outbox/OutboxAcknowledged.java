package io.touchpoint.platform.outbox;

import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A service's hook after the broker acknowledged some of its outbox records, run in the relay's
 * transaction that removes them (profile-service marks an erasure job completed once its
 * announcement is on Kafka). Rolled back with the removal, so it runs again with the resend.
 */
public interface OutboxAcknowledged {

    Uni<Void> acknowledged(SqlClient sql, List<OutboxRecord> records);
}
