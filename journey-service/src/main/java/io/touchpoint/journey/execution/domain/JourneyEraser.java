package io.touchpoint.journey.execution.domain;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/** A GDPR erasure: the person's instances, their steps, their pending waits and unsent requests go. */
@ApplicationScoped
public class JourneyEraser implements ErasureHandler {

    private final InstanceStore instances;
    private final OutboxStore outbox;

    JourneyEraser(InstanceStore instances, OutboxStore outbox) {
        this.instances = instances;
        this.outbox = outbox;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return instances.forget(sql, profileIds, JourneyRunner.WAIT)
                .chain(() -> outbox.dropPendingFor(sql, profileIds, EventTypes.PROFILE_ERASURE_REQUESTED));
    }
}
