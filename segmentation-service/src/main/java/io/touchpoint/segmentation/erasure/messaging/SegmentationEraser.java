package io.touchpoint.segmentation.erasure.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.SegmentSizes;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What segmentation deletes for a GDPR erasure: the profile's snapshot, logged interactions,
 * memberships, their history and unsent membership events go, silently (an exit event would name
 * the person again; every consumer of memberships obeys the same erasure). The platform's erasure
 * consumer runs this in the receipt's transaction.
 */
@ApplicationScoped
public class SegmentationEraser implements ErasureHandler {

    private static final List<String> DELETES = List.of(
            "DELETE FROM profile_snapshot WHERE profile_id = ANY($1)",
            "DELETE FROM profile_event WHERE profile_id = ANY($1)",
            "DELETE FROM membership WHERE profile_id = ANY($1) RETURNING segment_id",
            "DELETE FROM membership_history WHERE profile_id = ANY($1)",
            "DELETE FROM membership_due WHERE profile_id = ANY($1)",
            "DELETE FROM merged_profile WHERE profile_id = ANY($1) OR merged_into = ANY($1)",
            "DELETE FROM outbox WHERE record_key = ANY($1)");

    private final MembershipCache cache;
    private final SegmentSizes sizes;
    /** Per erasure in progress: how much each segment shrank, applied to the cached sizes after commit. */
    private final Map<String, Map<String, Long>> shrunk = new ConcurrentHashMap<>();

    SegmentationEraser(MembershipCache cache, SegmentSizes sizes) {
        this.cache = cache;
        this.sizes = sizes;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        Map<String, Long> segments = new HashMap<>();
        // A retried transaction starts over: what an aborted attempt counted is dropped.
        shrunk.put(erasure.erasureId(), segments);
        String[] ids = profileIds.toArray(String[]::new);
        // Memberships go without exit events, but the cached sizes must still shrink.
        return Transactions.each(DELETES, delete -> sql.preparedQuery(delete).execute(Tuple.of(ids)).invoke(rows -> {
            if (delete.contains("RETURNING segment_id")) {
                rows.forEach(r -> segments.merge(r.getString(0), -1L, Long::sum));
            }
        }));
    }

    @Override
    public Uni<Void> afterCommit(ProfileErasureRequested erasure, List<String> profileIds) {
        Map<String, Long> segments = shrunk.remove(erasure.erasureId());
        return cache.invalidate(Set.copyOf(profileIds))
                .chain(() -> sizes.add(segments == null ? Map.of() : segments));
    }
}
