package io.touchpoint.gateway.recipient.domain;

import java.time.Instant;
import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Told after the projection committed a change, so copies of it elsewhere (on-site content's hot
 * copy in Redis) follow. Called again for a change that comes again (a redelivery, a replay), so an
 * observer that missed one can catch up; it must therefore be idempotent, and never fail the
 * record: the projection in PostgreSQL is already the truth.
 */
public interface RecipientObserver {

    /**
     * @param identifiers the userIds and anonymousIds of the profile at this version, or null when the change named none
     * @param merged      profiles merged into this one by the change
     */
    Uni<Void> recipientChanged(Recipient recipient, List<RecipientIdentifier> identifiers, List<String> merged);

    Uni<Void> membershipChanged(String profileId, String segmentId, boolean member, Instant at);

    /** @param identifiers the identifiers that resolved to the erased profiles */
    Uni<Void> erased(List<String> profileIds, List<RecipientIdentifier> identifiers);
}
