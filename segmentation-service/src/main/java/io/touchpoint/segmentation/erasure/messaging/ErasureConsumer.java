package io.touchpoint.segmentation.erasure.messaging;

import static io.touchpoint.segmentation.platform.store.Json.ts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.SegmentSizes;
import io.touchpoint.segmentation.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Obeys GDPR erasures: the profile's snapshot, logged interactions, memberships, their history and
 * unsent membership events go, silently (an exit event would name the person again; every consumer
 * of memberships obeys the same erasure). The receipt is written in the same transaction as the
 * deletes, and the offset is committed only after that transaction, so a crash redelivers and the
 * redelivery is a no-op.
 */
@ApplicationScoped
public class ErasureConsumer {

    private static final Logger LOG = Logger.getLogger(ErasureConsumer.class);
    private static final List<String> DELETES = List.of(
            "DELETE FROM profile_snapshot WHERE profile_id = ANY($1)",
            "DELETE FROM profile_event WHERE profile_id = ANY($1)",
            "DELETE FROM membership WHERE profile_id = ANY($1) RETURNING segment_id",
            "DELETE FROM membership_history WHERE profile_id = ANY($1)",
            "DELETE FROM membership_due WHERE profile_id = ANY($1)",
            "DELETE FROM merged_profile WHERE profile_id = ANY($1) OR merged_into = ANY($1)",
            "DELETE FROM outbox WHERE record_key = ANY($1)");

    @Inject
    Pool pool;
    @Inject
    MembershipCache cache;
    @Inject
    SegmentSizes sizes;
    @Inject
    Clock clock;

    @Incoming("erasures")
    public Uni<Void> onErasure(ProfileErasureRequested erasure) {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(erasure.profileId());
        if (erasure.alsoProfileIds() != null) {
            ids.addAll(erasure.alsoProfileIds());
        }
        String[] idArray = new ArrayList<>(ids).toArray(String[]::new);
        Map<String, Long> shrunk = new HashMap<>();
        return Uni.createFrom().deferred(() -> {
            shrunk.clear();
            return pool.withTransaction(sql -> erase(sql, erasure, idArray, shrunk));
        })
                .onFailure(Transactions::retryable).retry().atMost(3)
                .call(() -> cache.invalidate(ids))
                .call(() -> sizes.add(shrunk));
    }

    private Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, String[] ids, Map<String, Long> shrunk) {
        Instant now = clock.instant();
        // Memberships go without exit events, but the cached sizes must still shrink.
        return Transactions.each(DELETES, delete -> sql.preparedQuery(delete).execute(Tuple.of(ids)).invoke(rows -> {
            if (delete.contains("RETURNING segment_id")) {
                rows.forEach(r -> shrunk.merge(r.getString(0), -1L, Long::sum));
            }
        }))
                .chain(() -> sql.preparedQuery("""
                        INSERT INTO erasure_receipt (erasure_id, requested_at, completed_at) VALUES ($1, $2, $3)
                        ON CONFLICT (erasure_id) DO NOTHING""")
                        .execute(Tuple.of(erasure.erasureId(), ts(erasure.requestedAt()), ts(now))))
                .invoke(rows -> {
                    if (rows.rowCount() == 0) {
                        LOG.debugf("erasure %s already obeyed", erasure.erasureId());
                    }
                })
                .replaceWithVoid();
    }
}
