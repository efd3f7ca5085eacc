package io.touchpoint.profile.master.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.profile.consent.store.ConsentStore;
import io.touchpoint.profile.master.store.ProfileStore;
import io.touchpoint.profile.outbox.store.OutboxStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Writes a changed profile and, in the same transaction, the profile-change event that tells the
 * other services: the event carries the whole evaluable state at the new version.
 */
@ApplicationScoped
public class ProfileWriter {

    @Inject
    ProfileStore profiles;
    @Inject
    ConsentStore consents;
    @Inject
    OutboxStore outbox;
    @Inject
    ProfileRules rules;

    public Uni<ProfileState> write(SqlClient sql, ProfileState state, boolean isNew, List<String> mergedIds,
            ProfileChanged.Trigger trigger, Instant now) {
        return refresh(sql, state, now)
                .chain(() -> {
                    state.nextVersion();
                    return isNew ? profiles.insert(sql, state, now) : profiles.update(sql, state, now);
                })
                .chain(() -> consents.current(sql, state.id()))
                .chain(current -> outbox.append(sql, UUID.randomUUID().toString(), Topic.PROFILE_CHANGES, state.id(),
                        EventTypes.PROFILE_CHANGED,
                        new ProfileChanged(state.id(), state.version(), state.changed(), state.traits(), state.computed(),
                                current.stream().map(c -> new io.touchpoint.contracts.events.ConsentState(c.channel(),
                                        c.topic(), c.status(), c.transactional(), c.at(), c.source())).toList(),
                                state.preferences(), mergedIds, trigger, now),
                        now))
                .replaceWith(state);
    }

    /** Brings the clock-dependent computed attributes (trailing 12 months, tenure) up to {@code now}. */
    public Uni<ProfileState> refresh(SqlClient sql, ProfileState state, Instant now) {
        ComputedAttributes computed = rules.computed();
        return profiles.windowValues(sql, state.id(), now.minus(Duration.ofDays(ComputedAttributes.WINDOW_DAYS)), computed.purchaseEvents(),
                computed.refundEvents())
                .invoke(perDay -> computed.refreshTimeDependent(state, perDay, now))
                .replaceWith(state);
    }
}
