package io.touchpoint.profile.master.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.profile.consent.domain.ConsentChange;
import io.touchpoint.profile.consent.store.ConsentStore;
import io.touchpoint.profile.master.store.ProfileStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Changes made through the API (traits, preferences, consent): the same rules as events, with the
 * API call's time as the event time and {@code api:<user>} as the source.
 */
@ApplicationScoped
public class ProfileEditor {

    @Inject
    Pool pool;
    @Inject
    Clock clock;
    @Inject
    ProfileStore profiles;
    @Inject
    ConsentStore consents;
    @Inject
    ProfileWriter writer;
    @Inject
    OutboxRelay relay;

    /** Merge-patch of traits: a null value removes the trait. Empty when no such profile. */
    public Uni<Optional<String>> patchTraits(String id, Map<String, Object> traits, String source) {
        return edit(id, (state, now) -> {
            traits.forEach((name, value) -> state.setTrait(name, value, now, source));
            return Uni.createFrom().voidItem();
        });
    }

    public Uni<Optional<String>> setPreferences(String id, Map<String, Object> preferences, String source) {
        return edit(id, (state, now) -> {
            preferences.forEach((name, value) -> state.setPreference(name, value, now, source));
            return Uni.createFrom().voidItem();
        });
    }

    public Uni<Optional<String>> setConsent(String id, ConsentChange change) {
        return editWith(id, (sql, state, now) -> consents.apply(sql, state.id(), change, now).invoke(changed -> {
            if (changed) {
                state.markChanged("consent." + change.channel() + "." + change.topic());
            }
        }).replaceWithVoid());
    }

    public Instant now() {
        return clock.instant();
    }

    private interface Edit {
        Uni<Void> apply(ProfileState state, Instant now);
    }

    private interface SqlEdit {
        Uni<Void> apply(io.vertx.mutiny.sqlclient.SqlClient sql, ProfileState state, Instant now);
    }

    private Uni<Optional<String>> edit(String id, Edit edit) {
        return editWith(id, (sql, state, now) -> edit.apply(state, now));
    }

    private Uni<Optional<String>> editWith(String id, SqlEdit edit) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return pool.withTransaction(sql -> profiles.resolveId(sql, id).chain(resolved -> {
                if (resolved.isEmpty()) {
                    return Uni.createFrom().item(Optional.<String>empty());
                }
                return profiles.load(sql, resolved.get(), true).map(Optional::orElseThrow)
                        .chain(state -> edit.apply(sql, state, now)
                                .chain(() -> state.hasChanges()
                                        ? writer.write(sql, state, false, List.of(), null, now).replaceWithVoid()
                                        : Uni.createFrom().voidItem())
                                .replaceWith(Optional.of(state.id())));
            }));
        }).onFailure(Transactions::retryable).retry().atMost(3).invoke(relay::kick);
    }
}
