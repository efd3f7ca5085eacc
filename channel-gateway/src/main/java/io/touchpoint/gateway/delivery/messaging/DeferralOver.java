package io.touchpoint.gateway.delivery.messaging;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.Deliveries;
import io.touchpoint.platform.wakeup.Wakeup;
import io.touchpoint.platform.wakeup.WakeupHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A deferral fell due (quiet hours ended, an unknown profile may be known now): the request is
 * decided again in the transaction that removes the wake-up. What it queues is sent by the
 * dispatcher's next sweep, since this transaction commits only after the handler returns.
 */
@ApplicationScoped
public class DeferralOver implements WakeupHandler {

    private final Clock clock;
    private final Deliveries deliveries;

    DeferralOver(Clock clock, Deliveries deliveries) {
        this.clock = clock;
        this.deliveries = deliveries;
    }

    @Override
    public String kind() {
        return Deliveries.RELEASE;
    }

    @Override
    public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
        String requestId = wakeup.key().substring(wakeup.key().indexOf(':') + 1);
        return deliveries.release(sql, requestId, clock.instant()).replaceWithVoid();
    }
}
