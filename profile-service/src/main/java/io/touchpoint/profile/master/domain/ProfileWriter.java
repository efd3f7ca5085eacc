package io.touchpoint.profile.master.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.profile.consent.store.ConsentStore;
import io.touchpoint.profile.identity.domain.Identifier;
import io.touchpoint.profile.identity.store.IdentityStore;
import io.touchpoint.profile.master.store.ProfileStore;
import io.touchpoint.platform.outbox.OutboxStore;
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
    IdentityStore identities;
    @Inject
    OutboxStore outbox;
    @Inject
    ProfileRules rules;

    public Uni<ProfileState> write(SqlClient sql, ProfileState state, boolean isNew, List<String> mergedIds,
            ProfileChanged.Trigger trigger, Instant now) {
        return reads(sql, state.id(), now).chain(reads -> writeWith(sql, state, isNew, mergedIds, trigger, reads, now));
    }

    /**
     * What a write reads besides the profile: the trailing-window value, the current consent and the
     * identifiers that resolve to the profile, by type.
     */
    public record Reads(SortedMap<LocalDate, BigDecimal> windowPerDay, List<ConsentStore.ConsentRecord> consent,
            Map<String, List<String>> identifiers) {
    }

    /**
     * The reads at once (one round trip). Issued behind a caller's own statements on the same
     * connection, they see those statements' effects: the connection runs them in order.
     */
    public Uni<Reads> reads(SqlClient sql, String profileId, Instant now) {
        return Uni.combine().all().unis(windowValue(sql, profileId, now), consents.current(sql, profileId),
                identities.identifiersOfAll(sql, List.of(profileId)))
                .asTuple().map(all -> new Reads(all.getItem1(), all.getItem2(), byType(all.getItem3().get(profileId))));
    }

    private static Map<String, List<String>> byType(List<Identifier> ids) {
        Map<String, List<String>> byType = new TreeMap<>();
        if (ids != null) {
            ids.forEach(id -> byType.computeIfAbsent(id.type(), t -> new ArrayList<>()).add(id.value()));
        }
        return byType;
    }

    /** The write itself, given {@link #reads}: the profile row and its event go out together. */
    public Uni<ProfileState> writeWith(SqlClient sql, ProfileState state, boolean isNew, List<String> mergedIds,
            ProfileChanged.Trigger trigger, Reads reads, Instant now) {
        rules.computed().refreshTimeDependent(state, reads.windowPerDay(), now);
        state.nextVersion();
        Uni<Void> row = isNew ? profiles.insert(sql, state, now) : profiles.update(sql, state, now);
        Uni<Void> event = outbox.append(sql, UUID.randomUUID().toString(), Topic.PROFILE_CHANGES, state.id(),
                EventTypes.PROFILE_CHANGED,
                new ProfileChanged(state.id(), state.version(), state.changed(), state.traits(), state.computed(),
                        reads.consent().stream().map(c -> new io.touchpoint.contracts.events.ConsentState(c.channel(),
                                c.topic(), c.status(), c.transactional(), c.at(), c.source())).toList(),
                        state.preferences(), mergedIds, trigger, now, reads.identifiers()),
                now);
        return Uni.combine().all().unis(row, event).discardItems().replaceWith(state);
    }

    /** Brings the clock-dependent computed attributes (trailing 12 months, tenure) up to {@code now}. */
    public Uni<ProfileState> refresh(SqlClient sql, ProfileState state, Instant now) {
        return windowValue(sql, state.id(), now)
                .invoke(perDay -> rules.computed().refreshTimeDependent(state, perDay, now))
                .replaceWith(state);
    }

    /** Net purchase value per day of the trailing window. */
    private Uni<SortedMap<LocalDate, BigDecimal>> windowValue(SqlClient sql, String profileId, Instant now) {
        ComputedAttributes computed = rules.computed();
        return profiles.windowValues(sql, profileId, now.minus(Duration.ofDays(ComputedAttributes.WINDOW_DAYS)),
                computed.purchaseEvents(), computed.refundEvents());
    }
}
