package io.touchpoint.profile.erasure.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.platform.outbox.OutboxAcknowledged;
import io.touchpoint.platform.outbox.OutboxRecord;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** An erasure job is completed once its announcement is on Kafka: every service will obey it. */
@ApplicationScoped
public class ErasureCompletion implements OutboxAcknowledged {

    @Override
    public Uni<Void> acknowledged(SqlClient sql, List<OutboxRecord> records) {
        String[] erasureIds = records.stream().filter(r -> r.type().equals(EventTypes.PROFILE_ERASURE_REQUESTED))
                .map(OutboxRecord::eventId).toArray(String[]::new);
        if (erasureIds.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("UPDATE erasure_job SET status = 'completed', completed_at = now() WHERE id = ANY($1)")
                .execute(Tuple.of(erasureIds)).replaceWithVoid();
    }
}
