package io.touchpoint.analytics.conversion.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.analytics.ingest.messaging.FactBatches;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.events.ProfileChanged;

/**
 * profile-service's change stream, keyed by the resolved profile: the tracked event behind each
 * change (conversions, cohort activity), registration and first purchase (cohort anchors), merges.
 */
@ApplicationScoped
public class ProfileChangeConsumer implements FactBatches.Reader<ProfileChanged> {

    private final FactBatches batches;
    private final AnalyticsStore store;

    ProfileChangeConsumer(FactBatches batches, AnalyticsStore store) {
        this.batches = batches;
        this.store = store;
    }

    @Incoming("profile-changes")
    public Uni<Void> onBatch(KafkaRecordBatch<String, ProfileChanged> batch) {
        return batches.consume(batch, this, store::applyProfileChanges);
    }

    @Override
    public String profileId(ProfileChanged value) {
        if (value.profileId() == null) {
            throw new IllegalArgumentException("a profile change needs its profile");
        }
        return value.profileId();
    }

    @Override
    public Instant at(ProfileChanged value) {
        // When profile-service made the change: what an erasure is compared with, and what asOf reports.
        return value.occurredAt();
    }
}
