package io.touchpoint.analytics.segment.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.analytics.ingest.messaging.FactBatches;
import io.touchpoint.analytics.store.AnalyticsStore;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

/** Segmentation's membership transitions: sizes at any instant and the flows between segments. */
@ApplicationScoped
public class MembershipConsumer implements FactBatches.Reader<SegmentMembershipChanged> {

    private final FactBatches batches;
    private final AnalyticsStore store;

    MembershipConsumer(FactBatches batches, AnalyticsStore store) {
        this.batches = batches;
        this.store = store;
    }

    @Incoming("segment-memberships")
    public Uni<Void> onBatch(KafkaRecordBatch<String, SegmentMembershipChanged> batch) {
        return batches.consume(batch, this, store::applyMembershipChanges);
    }

    @Override
    public String profileId(SegmentMembershipChanged value) {
        if (value.segmentId() == null || value.profileId() == null) {
            throw new IllegalArgumentException("a membership change needs its segment and profile");
        }
        return value.profileId();
    }

    @Override
    public Instant at(SegmentMembershipChanged value) {
        return value.at();
    }
}
