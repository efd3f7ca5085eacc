package io.touchpoint.analytics.delivery.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.analytics.ingest.messaging.FactBatches;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.events.MessageRequested;

/** Journeys' message requests: they name the node (step) and topic of each message the gateway reports on. */
@ApplicationScoped
public class MessageRequestConsumer implements FactBatches.Reader<MessageRequested> {

    private final FactBatches batches;
    private final AnalyticsStore store;

    MessageRequestConsumer(FactBatches batches, AnalyticsStore store) {
        this.batches = batches;
        this.store = store;
    }

    @Incoming("message-requests")
    public Uni<Void> onBatch(KafkaRecordBatch<String, MessageRequested> batch) {
        return batches.consume(batch, this, store::applyMessageRequests);
    }

    @Override
    public String profileId(MessageRequested value) {
        if (value.requestId() == null) {
            throw new IllegalArgumentException("a message request needs its requestId");
        }
        return value.profileId();
    }

    @Override
    public Instant at(MessageRequested value) {
        return value.requestedAt();
    }
}
