package io.touchpoint.gateway.unsubscribe.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class UnsubscribeStore {

    /** Records the unsubscribe; false when this delivery's link was used before. */
    public Uni<Boolean> record(SqlClient sql, String deliveryId, String profileId, String channel, String topic, Instant at) {
        return sql.preparedQuery("""
                INSERT INTO unsubscribe (delivery_id, profile_id, channel, topic, at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (delivery_id) DO NOTHING""")
                .execute(Tuple.of(deliveryId, profileId, channel, topic, ts(at))).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> forget(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM unsubscribe WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
