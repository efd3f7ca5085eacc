package io.touchpoint.gateway.delivery.messaging;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.delivery.domain.Deliveries;
import io.touchpoint.gateway.delivery.domain.Dispatcher;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Message requests from journeys: each is decided and recorded in the ledger in one transaction
 * before its offset is committed, so a redelivery or a replay finds its row and changes nothing; a
 * request about an erased person that predates the erasure is dropped.
 */
@ApplicationScoped
public class MessageRequestConsumer {

    private static final Logger LOG = Logger.getLogger(MessageRequestConsumer.class);

    private final Pool pool;
    private final Clock clock;
    private final Deliveries deliveries;
    private final ErasedIdentities erased;
    private final Dispatcher dispatcher;
    private final OutboxRelay relay;
    private final WakeupScheduler scheduler;

    MessageRequestConsumer(Pool pool, Clock clock, Deliveries deliveries, ErasedIdentities erased, Dispatcher dispatcher,
            OutboxRelay relay, WakeupScheduler scheduler) {
        this.pool = pool;
        this.clock = clock;
        this.deliveries = deliveries;
        this.erased = erased;
        this.dispatcher = dispatcher;
        this.relay = relay;
        this.scheduler = scheduler;
    }

    @Incoming("message-requests")
    public Uni<Void> onRequest(MessageRequested request) {
        var about = ErasedIdentities.profiles(List.of(request.profileId()));
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> erased.erasedAt(sql, about).chain(erasedAt -> {
            if (ErasedIdentities.stale(erasedAt, about, request.requestedAt())) {
                LOG.debugf("profile %s was erased; request %s is dropped", request.profileId(), request.requestId());
                return Uni.createFrom().item(Deliveries.AfterCommit.NOTHING);
            }
            return deliveries.receive(sql, request, clock.instant());
        }))).onFailure(Transactions::retryable).retry().atMost(3).invoke(after -> {
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
