package io.touchpoint.analytics.journey.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.analytics.ingest.messaging.FactBatches;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.events.JourneyEvent;

/** Journey events: entries, nodes, goals and exits as facts, and each profile's arm at each split. */
@ApplicationScoped
public class JourneyEventConsumer implements FactBatches.Reader<JourneyEvent> {

    private final FactBatches batches;
    private final AnalyticsStore store;

    JourneyEventConsumer(FactBatches batches, AnalyticsStore store) {
        this.batches = batches;
        this.store = store;
    }

    @Incoming("journey-events")
    public Uni<Void> onBatch(KafkaRecordBatch<String, JourneyEvent> batch) {
        return batches.consume(batch, this, store::applyJourneyEvents);
    }

    @Override
    public String profileId(JourneyEvent value) {
        if (value.journeyId() == null || value.kind() == null || value.profileId() == null) {
            throw new IllegalArgumentException("a journey event needs its journey, kind and profile");
        }
        return value.profileId();
    }

    @Override
    public Instant at(JourneyEvent value) {
        return value.at();
    }
}
