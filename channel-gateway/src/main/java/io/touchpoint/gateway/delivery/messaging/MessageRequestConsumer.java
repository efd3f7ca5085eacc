package io.touchpoint.gateway.delivery.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.delivery.domain.Deliveries;
import io.touchpoint.gateway.delivery.domain.Dispatcher;
import io.touchpoint.platform.erasure.ProfileTransactions;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.wakeup.WakeupScheduler;

/**
 * Message requests from journeys, in batches as the broker hands them over: each is decided and
 * recorded in the ledger, the whole batch in one transaction committed before its offsets are, so a
 * redelivery or a replay finds every row and changes nothing; a request about an erased person that
 * predates the erasure is dropped. One commit per batch rather than per request is what lets a
 * broadcast's intake keep up with sending; a batch's reads and writes are a handful of set-based
 * statements ({@link Deliveries#receiveAll}), not seven a request. A profile's requests are decided
 * in their order (the caps see the earlier ones). The batch locks its recipients in profile order, so
 * two transactions locking some of the same recipients cannot deadlock. When a
 * batch fails, its requests are decided again one transaction each, so one bad request holds up only
 * itself; if it still fails, the batch goes to the dead-letter topic (its other requests are already
 * in the ledger, so replaying it changes nothing for them).
 */
@ApplicationScoped
public class MessageRequestConsumer {

    private static final Logger LOG = Logger.getLogger(MessageRequestConsumer.class);

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
    public Uni<Void> onRequests(List<MessageRequested> batch) {
        List<MessageRequested> ordered = batch.stream().sorted(Comparator.comparing(MessageRequested::profileId)).toList();
        Uni<List<Deliveries.AfterCommit>> decided = transactions.allUnlessErased(ordered, MessageRequested::profileId,
                MessageRequested::requestedAt, Deliveries.AfterCommit.NOTHING, (sql, requests) -> deliveries.receiveAll(sql, requests,
                        now()));
        if (ordered.size() > 1) {
            decided = decided.onFailure().recoverWithUni(e -> {
                LOG.warnf(e, "a batch of %d message requests failed; deciding them one at a time", ordered.size());
                return Multi.createFrom().iterable(ordered).onItem().transformToUniAndConcatenate(this::alone).collect().asList();
            });
        }
        return decided.invoke(this::afterCommit).replaceWithVoid();
    }

    private Uni<Deliveries.AfterCommit> alone(MessageRequested request) {
        return transactions.unlessErased(List.of(request.profileId()), request.requestedAt(), Deliveries.AfterCommit.NOTHING,
                sql -> deliveries.receiveAll(sql, List.of(request), now()).map(answers -> answers.get(0)));
    }

    private void afterCommit(List<Deliveries.AfterCommit> all) {
        boolean queued = false;
        boolean published = false;
        for (Deliveries.AfterCommit after : all) {
            queued |= after.queued();
            published |= after.published();
            if (after.wakeAt() != null) {
                scheduler.scheduled(after.wakeAt());
            }
        }
        if (queued) {
            dispatcher.kick();
        }
        if (published) {
            relay.kick();
        }
    }

    private Instant now() {
        return clock.instant();
    }
}
