package io.touchpoint.segmentation.profile.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;

/**
 * Evaluates segments as profiles change. The offset is committed only after the transaction
 * commits; a redelivery finds its version and interaction recorded and changes nothing.
 */
@ApplicationScoped
public class ProfileChangeConsumer {

    @Inject
    MembershipUpdater updater;

    @Incoming("profile-changes")
    public Uni<Void> onProfileChanged(ProfileChanged change) {
        return updater.apply(change);
    }
}
