package io.touchpoint.gateway.bounce.domain;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.bounce.store.ComplaintStore;
import io.touchpoint.gateway.delivery.domain.Addresses;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.DeliveryEvents;
import io.touchpoint.gateway.delivery.domain.Reason;
import io.touchpoint.gateway.delivery.domain.SuppressionReason;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.delivery.store.SuppressionStore;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.unsubscribe.domain.ConsentStatements;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What a spam complaint (an ARF feedback report of type abuse or fraud) does, in one transaction
 * with the report's row: the address goes on the suppression list ({@code complaint}: nothing more
 * reaches it, transactional mail included), the marketing consent for email and the delivery's
 * topic is withdrawn where consent lives, in profile-service ({@link ConsentStatements}), and the
 * delivery gets a COMPLAINED event. A delivery complained of twice (a provider's second report
 * about it) does that once. Other feedback types are recorded and do nothing else.
 */
@ApplicationScoped
public class Complaints implements ErasureHandler {

    private final ComplaintStore complaints;
    private final DeliveryStore ledger;
    private final SuppressionStore suppressions;
    private final ConsentStatements statements;
    private final DeliveryEvents events;

    Complaints(ComplaintStore complaints, DeliveryStore ledger, SuppressionStore suppressions, ConsentStatements statements,
            DeliveryEvents events) {
        this.complaints = complaints;
        this.ledger = ledger;
        this.suppressions = suppressions;
        this.statements = statements;
        this.events = events;
    }

    /** @return false when the report is about no message of ours (it is left for people to read) */
    public Uni<Boolean> record(SqlClient sql, String reportId, FeedbackReport report, Instant now) {
        if (report.deliveryId().isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return ledger.findByDeliveryId(sql, report.deliveryId().get()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            Delivery d = found.get();
            return complaints.record(sql, reportId, d.deliveryId(), d.profileId(), report.feedbackType(), report.userAgent(),
                    report.complaint(), now)
                    .chain(first -> first && report.complaint() ? complaints.complaints(sql, d.deliveryId())
                            : Uni.createFrom().item(0L))
                    .chain(count -> count == 1 ? complained(sql, d, report, now) : Uni.createFrom().voidItem())
                    .replaceWith(true);
        });
    }

    private Uni<Void> complained(SqlClient sql, Delivery d, FeedbackReport report, Instant now) {
        String detail = report.describe();
        var entry = new SuppressionStore.Entry(Channels.EMAIL, Addresses.normalize(Channels.EMAIL, d.address()),
                SuppressionReason.COMPLAINT, "delivery " + d.deliveryId() + ": " + detail, now);
        return suppressions.put(sql, entry)
                .chain(() -> statements.append(sql, d.profileId(), withdrawal(d, detail), now))
                .chain(() -> events.publish(sql, d, d.channel(), DeliveryEvent.Status.COMPLAINED, Reason.COMPLAINT, detail, now));
    }

    /** Keyed by the delivery, like an unsubscribe's, so profile-service can tell a repeat from a new statement. */
    private static ConsentStatements.Statement withdrawal(Delivery d, String detail) {
        // A message without a topic was sent on the consent for the whole channel: that is what the complaint withdraws.
        String topic = d.topic() == null ? ConsentState.ANY_TOPIC : d.topic();
        return new ConsentStatements.Statement("complaint-" + d.deliveryId(), Channels.EMAIL, topic, ConsentState.Status.WITHDRAWN,
                d.address(), d.deliveryId(), "spam complaint (ARF feedback report: " + detail + ") about delivery " + d.deliveryId());
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return complaints.forget(sql, profileIds);
    }
}
