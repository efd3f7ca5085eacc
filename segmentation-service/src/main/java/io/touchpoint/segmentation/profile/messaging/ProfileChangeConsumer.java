package io.touchpoint.segmentation.profile.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.platform.messaging.PollBatches;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;

/**
 * Evaluates segments as profiles change, a poll per transaction ({@link MembershipUpdater#applyAll}).
 * The offsets are committed only after the transaction commits; a redelivery finds its version and
 * interaction recorded and changes nothing. A poll that cannot be applied as a whole is applied one
 * change per transaction, and a change that still fails (or could not be read) goes to the
 * dead-letter topic on its own (platform {@link PollBatches}).
 */
@ApplicationScoped
public class ProfileChangeConsumer {

    private final MembershipUpdater updater;

    ProfileChangeConsumer(MembershipUpdater updater) {
        this.updater = updater;
    }

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanges(KafkaRecordBatch<String, ProfileChanged> batch) {
        return PollBatches.settle(batch, changes -> true, updater::applyAll, updater::apply);
    }
}
