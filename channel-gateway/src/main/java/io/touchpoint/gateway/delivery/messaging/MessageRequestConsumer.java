package io.touchpoint.gateway.delivery.messaging;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.delivery.domain.Deliveries;
import io.touchpoint.gateway.delivery.domain.Dispatcher;
import io.touchpoint.platform.erasure.ProfileTransactions;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.wakeup.WakeupScheduler;

/**
 * Message requests from journeys: each is decided and recorded in the ledger in one transaction
 * before its offset is committed, so a redelivery or a replay finds its row and changes nothing; a
 * request about an erased person that predates the erasure is dropped.
 */
@ApplicationScoped
public class MessageRequestConsumer {


    private final ProfileTransactions transactions;
    private final Clock clock;
    private final Deliveries deliveries;
    private final Dispatcher dispatcher;
    private final OutboxRelay relay;
    private final WakeupScheduler scheduler;

    MessageRequestConsumer(ProfileTransactions transactions, Clock clock, Deliveries deliveries, Dispatcher dispatcher,
            OutboxRelay relay, WakeupScheduler scheduler) {
        this.transactions = transactions;
        this.clock = clock;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.relay = relay;
        this.scheduler = scheduler;
    }

    @Incoming("message-requests")
    public Uni<Void> onRequest(MessageRequested request) {
        return transactions.unlessErased(List.of(request.profileId()), request.requestedAt(), Deliveries.AfterCommit.NOTHING,
                sql -> deliveries.receive(sql, request, clock.instant())).invoke(after -> {
            if (after.queued()) {
                dispatcher.kick();
            }
            if (after.published()) {
                relay.kick();
            }
            if (after.wakeAt() != null) {
                scheduler.scheduled(after.wakeAt());
            }
        }).replaceWithVoid();
    }
}
