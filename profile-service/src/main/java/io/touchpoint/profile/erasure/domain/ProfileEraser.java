package io.touchpoint.profile.erasure.domain;

import static io.touchpoint.profile.platform.store.Json.ts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.profile.erasure.store.ErasureReceiptStore;
import io.touchpoint.profile.identity.store.IdentityStore;
import io.touchpoint.profile.master.store.ProfileStore;
import io.touchpoint.profile.outbox.messaging.OutboxRelay;
import io.touchpoint.profile.outbox.store.OutboxStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * GDPR erasure. Deletes the profile, the profiles merged into it, their identifiers, events,
 * counts, consent and merge audit, drops their unsent events, and announces the erasure to every
 * service, all in one transaction.
 */
@ApplicationScoped
public class ProfileEraser {

    @Inject
    Pool pool;
    @Inject
    Clock clock;
    @Inject
    ProfileStore profiles;
    @Inject
    IdentityStore identities;
    @Inject
    OutboxStore outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    ErasureReceiptStore receipts;

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
                    .chain(aliases -> deleteAll(sql, id, aliases)
                            .chain(() -> sql.preparedQuery("""
                                    INSERT INTO erasure_job (id, status, requested_at, requested_by) VALUES ($1, 'accepted', $2, $3)""")
                                    .execute(Tuple.of(jobId, ts(now), requestedBy)))
                            .chain(() -> outbox.append(sql, jobId, Topic.ERASURES, id, EventTypes.PROFILE_ERASURE_REQUESTED,
                                    new ProfileErasureRequested(jobId, id, aliases, now), now)))
                    .replaceWith(Optional.of(jobId));
        })).invoke(relay::kick);
    }

    /**
     * Obeys an erasure event (ours, echoed back, or one another tool published): deletes whatever is
     * still here and records the receipt, once.
     */
    public Uni<Boolean> obey(ProfileErasureRequested erasure) {
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>();
        ids.add(erasure.profileId());
        if (erasure.alsoProfileIds() != null) {
            ids.addAll(erasure.alsoProfileIds());
        }
        return pool.withTransaction(sql -> receipts.recordOnce(sql, erasure.erasureId(), erasure.requestedAt(), now)
                .chain(first -> !first ? Uni.createFrom().item(false)
                        : profiles.resolveId(sql, erasure.profileId()).chain(resolved -> {
                            if (resolved.isEmpty()) {
                                return identities.forget(sql, ids).replaceWith(true);
                            }
                            return identities.aliasesOf(sql, resolved.get())
                                    .chain(aliases -> deleteAll(sql, resolved.get(), aliases)).replaceWith(true);
                        })));
    }

    private Uni<Void> deleteAll(SqlClient sql, String id, List<String> aliases) {
        List<String> all = new ArrayList<>(aliases);
        all.add(id);
        return identities.forget(sql, all)
                .chain(() -> outbox.dropPendingFor(sql, all, EventTypes.PROFILE_ERASURE_REQUESTED))
                .chain(() -> profiles.delete(sql, id));
    }
}
