package io.touchpoint.journey.execution.domain;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.journey.execution.store.InstanceStore;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/** A GDPR erasure: the person's instances, steps, pending waits and date moments, the journey's copy of them and unsent requests go. */
@ApplicationScoped
public class JourneyEraser implements ErasureHandler {

    private final InstanceStore instances;
    private final ProfileFactStore profiles;
    private final WakeupStore wakeups;
    private final OutboxStore outbox;

    JourneyEraser(InstanceStore instances, ProfileFactStore profiles, WakeupStore wakeups, OutboxStore outbox) {
        this.instances = instances;
        this.profiles = profiles;
        this.wakeups = wakeups;
        this.outbox = outbox;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return instances.forget(sql, profileIds, JourneyRunner.INSTANCE_WAKEUPS)
                .chain(() -> profiles.forget(sql, profileIds))
                .chain(() -> wakeups.cancelByKeyPrefix(sql, profileIds.stream().map(id -> DateEntries.key(id, "")).toList()))
                .chain(() -> outbox.dropPendingFor(sql, profileIds, EventTypes.PROFILE_ERASURE_REQUESTED));
    }
}
