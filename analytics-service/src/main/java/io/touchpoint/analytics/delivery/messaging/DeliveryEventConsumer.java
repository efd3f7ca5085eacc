package io.touchpoint.analytics.delivery.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.analytics.ingest.messaging.FactBatches;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.events.DeliveryEvent;

/** The gateway's delivery events: each message's facts and the funnel rollups, a poll per transaction. */
@ApplicationScoped
public class DeliveryEventConsumer implements FactBatches.Reader<DeliveryEvent> {

    private final FactBatches batches;
    private final AnalyticsStore store;

    DeliveryEventConsumer(FactBatches batches, AnalyticsStore store) {
        this.batches = batches;
        this.store = store;
    }

    @Incoming("delivery-events")
    public Uni<Void> onBatch(KafkaRecordBatch<String, DeliveryEvent> batch) {
        return batches.consume(batch, this, store::applyDeliveryEvents);
    }

    @Override
    public String profileId(DeliveryEvent value) {
        if (value.requestId() == null || value.status() == null) {
            throw new IllegalArgumentException("a delivery event needs its requestId and status");
        }
        return value.profileId();
    }

    @Override
    public Instant at(DeliveryEvent value) {
        return value.at();
    }
}
