package io.touchpoint.platform.erasure;

import java.util.List;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What one service does to obey a GDPR erasure: delete what it holds for these profile ids. Called
 * once per erasure, inside the transaction that records the receipt and the erased identities, so
 * the deletes and the proof commit together or not at all. A service that holds no personal data
 * has none.
 */
public interface ErasureHandler {

    /** @param profileIds the erased profile and every profile merged into it */
    Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds);

    /** Runs after the transaction committed: caches, counters. */
    default Uni<Void> afterCommit(ProfileErasureRequested erasure, List<String> profileIds) {
        return Uni.createFrom().voidItem();
    }
}
