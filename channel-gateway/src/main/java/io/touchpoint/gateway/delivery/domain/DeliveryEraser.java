package io.touchpoint.gateway.delivery.domain;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.touchpoint.platform.outbox.OutboxStore;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A GDPR erasure: the person's ledger rows and decisions, their pending deferrals and unsent
 * delivery events go. A replayed request of theirs is then dropped by the erased-identity check,
 * not sent again for lack of a row.
 */
@ApplicationScoped
public class DeliveryEraser implements ErasureHandler {

    private final DeliveryStore ledger;
    private final WakeupStore wakeups;
    private final OutboxStore outbox;

    DeliveryEraser(DeliveryStore ledger, WakeupStore wakeups, OutboxStore outbox) {
        this.ledger = ledger;
        this.wakeups = wakeups;
        this.outbox = outbox;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return ledger.forget(sql, profileIds)
                .chain(() -> wakeups.cancelByKeyPrefix(sql, profileIds.stream().map(id -> id + ":").toList()))
                .chain(() -> outbox.dropPendingFor(sql, profileIds, EventTypes.PROFILE_ERASURE_REQUESTED));
    }
}
