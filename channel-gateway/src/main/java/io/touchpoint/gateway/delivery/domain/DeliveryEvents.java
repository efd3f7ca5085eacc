package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Every outcome of a delivery as a {@link DeliveryEvent}, through the outbox in the transaction
 * that records it, keyed by profile id; counted per status in
 * {@code touchpoint_gateway_deliveries_total}.
 */
@ApplicationScoped
public class DeliveryEvents {

    private final OutboxStore outbox;
    private final MeterRegistry meters;

    DeliveryEvents(OutboxStore outbox, MeterRegistry meters) {
        this.outbox = outbox;
        this.meters = meters;
    }

    public Uni<Void> publish(SqlClient sql, Delivery d, String channel, DeliveryEvent.Status status, Reason reason,
            String detail, Instant at) {
        var event = new DeliveryEvent(d.deliveryId(), d.requestId(), d.profileId(), d.journeyId(), d.templateId(), channel,
                status, reason == null ? null : reason.code(), detail, at);
        return outbox.append(sql, UUID.randomUUID().toString(), Topic.DELIVERY_EVENTS, d.profileId(), EventTypes.DELIVERY,
                event, at).invoke(() -> meters.counter("touchpoint.gateway.deliveries", "status", status.name()).increment());
    }
}
