package io.touchpoint.segmentation.profile.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;

/**
 * Evaluates segments as profiles change, a poll per transaction. The offsets are committed only
 * after the transaction commits; a redelivery finds its version and interaction recorded and changes
 * nothing. A poll that cannot be applied as a whole is applied one change per transaction, and a
 * change that still fails (or could not be read) goes to the dead-letter topic on its own, so it
 * holds up nothing else.
 */
@ApplicationScoped
public class ProfileChangeConsumer {

    private static final Logger LOG = Logger.getLogger(ProfileChangeConsumer.class);

    private final MembershipUpdater updater;

    ProfileChangeConsumer(MembershipUpdater updater) {
        this.updater = updater;
    }

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanges(KafkaRecordBatch<String, ProfileChanged> batch) {
        List<KafkaRecord<String, ProfileChanged>> records = batch.getRecords();
        List<ProfileChanged> changes = new ArrayList<>(records.size());
        for (KafkaRecord<String, ProfileChanged> record : records) {
            changes.add(record.getPayload());
        }
        Uni<Void> applied = changes.contains(null)
                ? Uni.createFrom().failure(new IllegalArgumentException("a record of the poll could not be read"))
                : Uni.createFrom().deferred(() -> updater.applyAll(changes));
        return applied.onFailure().recoverWithUni(e -> {
            if (records.size() > 1) {
                LOG.infof("a poll of %d profile changes did not apply as a whole (%s); applying them one at a time", records.size(),
                        e.toString());
            }
            return Multi.createFrom().iterable(records).onItem().transformToUniAndConcatenate(this::alone).collect().asList()
                    .replaceWithVoid();
        }).chain(() -> Uni.createFrom().completionStage(batch::ack));
    }

    private Uni<Void> alone(KafkaRecord<String, ProfileChanged> record) {
        Uni<Void> applied = record.getPayload() == null
                ? Uni.createFrom().failure(new IllegalArgumentException("the record could not be read"))
                : updater.apply(record.getPayload());
        return applied.onFailure().recoverWithUni(e -> {
            LOG.warnf(e, "profile change %s-%d not applied; sent to the dead-letter topic", record.getTopic(), record.getPartition());
            return Uni.createFrom().completionStage(() -> record.nack(e));
        });
    }
}
