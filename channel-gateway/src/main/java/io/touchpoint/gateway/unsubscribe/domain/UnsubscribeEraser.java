package io.touchpoint.gateway.unsubscribe.domain;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.unsubscribe.store.UnsubscribeStore;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/** A GDPR erasure: the record of the person's unsubscribe clicks goes. */
@ApplicationScoped
public class UnsubscribeEraser implements ErasureHandler {

    private final UnsubscribeStore store;

    UnsubscribeEraser(UnsubscribeStore store) {
        this.store = store;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return store.forget(sql, profileIds);
    }
}
