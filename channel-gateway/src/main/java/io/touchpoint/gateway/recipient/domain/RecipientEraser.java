package io.touchpoint.gateway.recipient.domain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.recipient.store.IdentifierStore;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.MergeStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A GDPR erasure: the person's addresses, consent, preferences and traits held for delivery go, with
 * their segment memberships, identifiers and merge records; after the commit the observers drop their
 * copies (on-site content's in Redis).
 */
@ApplicationScoped
public class RecipientEraser implements ErasureHandler {

    private final RecipientStore recipients;
    private final MembershipStore memberships;
    private final IdentifierStore identifiers;
    private final MergeStore merges;
    private final RecipientObservers observers;
    /** The identifiers an erasure deleted, by erasure id, until its commit tells the observers. */
    private final Map<String, List<RecipientIdentifier>> deleted = new ConcurrentHashMap<>();

    RecipientEraser(RecipientStore recipients, MembershipStore memberships, IdentifierStore identifiers, MergeStore merges,
            RecipientObservers observers) {
        this.recipients = recipients;
        this.memberships = memberships;
        this.identifiers = identifiers;
        this.merges = merges;
        this.observers = observers;
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return recipients.delete(sql, profileIds)
                .chain(() -> memberships.delete(sql, profileIds))
                .chain(() -> merges.delete(sql, profileIds))
                .chain(() -> identifiers.delete(sql, profileIds))
                .invoke(ids -> deleted.put(erasure.erasureId(), ids))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> afterCommit(ProfileErasureRequested erasure, List<String> profileIds) {
        List<RecipientIdentifier> ids = deleted.remove(erasure.erasureId());
        return observers.erased(profileIds, ids == null ? List.of() : ids);
    }
}
