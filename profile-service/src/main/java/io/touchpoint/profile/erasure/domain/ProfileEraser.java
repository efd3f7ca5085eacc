package io.touchpoint.profile.erasure.domain;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.touchpoint.profile.identity.store.IdentityStore;
import io.touchpoint.profile.master.store.ProfileStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * GDPR erasure. Deletes the profile, the profiles merged into it, their identifiers, events,
 * counts, consent and merge audit, drops their unsent events, and announces the erasure to every
 * service, all in one transaction.
 */
@ApplicationScoped
public class ProfileEraser implements ErasureHandler {

    private final Pool pool;
    private final Clock clock;
    private final ProfileStore profiles;
    private final IdentityStore identities;
    private final OutboxStore outbox;
    private final OutboxRelay relay;
    private final ErasedIdentities erased;

    ProfileEraser(Pool pool, Clock clock, ProfileStore profiles, IdentityStore identities, OutboxStore outbox,
            OutboxRelay relay, ErasedIdentities erased) {
        this.pool = pool;
        this.clock = clock;
        this.profiles = profiles;
        this.identities = identities;
        this.outbox = outbox;
        this.relay = relay;
        this.erased = erased;
    }

    /** @return the erasure job id, or empty when no profile has that id */
    public Uni<Optional<String>> erase(String profileId, String requestedBy) {
        Instant now = clock.instant();
        String jobId = UUID.randomUUID().toString();
        return pool.withTransaction(sql -> profiles.resolveId(sql, profileId).chain(resolved -> {
            if (resolved.isEmpty()) {
                return Uni.createFrom().item(Optional.<String>empty());
            }
            String id = resolved.get();
            return profiles.lock(sql, List.of(id))
                    .chain(() -> identities.aliasesOf(sql, id))
                    .chain(aliases -> deleteAll(sql, id, aliases, now)
                            .chain(() -> sql.preparedQuery("""
                                    INSERT INTO erasure_job (id, status, requested_at, requested_by) VALUES ($1, 'accepted', $2, $3)""")
                                    .execute(Tuple.of(jobId, ts(now), requestedBy)))
                            .chain(() -> outbox.append(sql, jobId, Topic.ERASURES, id, EventTypes.PROFILE_ERASURE_REQUESTED,
                                    new ProfileErasureRequested(jobId, id, aliases, now), now)))
                    .replaceWith(Optional.of(jobId));
        })).invoke(relay::kick);
    }

    /**
     * Obeys an erasure event (ours, echoed back, or one another tool published), inside the
     * platform's receipt transaction: deletes whatever is still here.
     */
    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> ids) {
        Instant now = clock.instant();
        return profiles.resolveId(sql, erasure.profileId()).chain(resolved -> {
            if (resolved.isEmpty()) {
                return identities.forget(sql, ids);
            }
            return identities.aliasesOf(sql, resolved.get())
                    .chain(aliases -> deleteAll(sql, resolved.get(), aliases, now));
        });
    }

    /**
     * The person's identifiers are remembered as erased (salted hashes) before they go, so their
     * interactions still in flight or replayed later are dropped instead of making a new profile.
     */
    private Uni<Void> deleteAll(SqlClient sql, String id, List<String> aliases, Instant now) {
        List<String> all = new ArrayList<>(aliases);
        all.add(id);
        return identities.identifiersOfAll(sql, all)
                .chain(owned -> erased.remember(sql, owned.values().stream().flatMap(List::stream)
                        .map(i -> new ErasedIdentities.Identity(i.type(), i.value())).toList(), now))
                .chain(() -> erased.remember(sql, ErasedIdentities.profiles(all), now))
                .chain(() -> identities.forget(sql, all))
                .chain(() -> outbox.dropPendingFor(sql, all, EventTypes.PROFILE_ERASURE_REQUESTED))
                .chain(() -> profiles.delete(sql, id));
    }
}
