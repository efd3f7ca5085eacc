package io.touchpoint.gateway.delivery.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.delivery.store.ReceiptStore;
import io.touchpoint.platform.store.GroupCommit;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What providers report about messages they took (an SMSC's delivery receipts), in the caller's
 * transaction. A sent delivery becomes DELIVERED once every one of its parts was reported delivered,
 * and FAILED (reason {@code undelivered}) at the first part reported not delivered; either once,
 * with its delivery event. A receipt seen before changes nothing. A receipt can come before its
 * part is recorded (the provider answers the receipt faster than the ledger writes the send): it
 * waits and applies when the part is, since both sides lock the provider id first. Receipts come
 * one by one on the provider's threads, each waiting until it is recorded: they are committed in
 * groups ({@link #record}), since a transaction each made the receipts, not the sends, the limit.
 */
@ApplicationScoped
public class ProviderReceipts {

    /** Receipts written in one transaction at most. */
    private static final int GROUP = 100;
    /** Receipts whose statements are pipelined at once in a group. */
    private static final int SIDE_BY_SIDE = 16;

    private final ReceiptStore receipts;
    private final DeliveryStore ledger;
    private final DeliveryEvents events;
    private final GroupCommit<ReceiptStore.Receipt, Boolean> recorded;

    ProviderReceipts(ReceiptStore receipts, DeliveryStore ledger, DeliveryEvents events, Clock clock, Pool pool) {
        this.receipts = receipts;
        this.ledger = ledger;
        this.events = events;
        this.recorded = new GroupCommit<>(pool, GROUP, SIDE_BY_SIDE, ReceiptStore.Receipt::providerId,
                (sql, group) -> lockAll(sql, group.stream().map(ReceiptStore.Receipt::providerId).toList()),
                (sql, receipt) -> receiptLocked(sql, receipt, clock.instant()), "provider receipts");
    }

    /** Locks the ids for the transaction, all in one order; call first, before a delivery's row is touched. */
    public Uni<Void> lockAll(SqlClient sql, List<String> providerIds) {
        return receipts.lock(sql, providerIds);
    }

    /**
     * Records a receipt in a transaction of its own or shared with others that came meanwhile;
     * completes once committed, true when it changed a delivery (an event was written).
     */
    public Uni<Boolean> record(ReceiptStore.Receipt receipt) {
        return recorded.submit(receipt);
    }

    /** The parts a provider took for a delivery now recorded as sent; receipts that came first apply now. */
    public Uni<Boolean> parts(SqlClient sql, Delivery d, List<String> providerIds, Instant now) {
        if (providerIds.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return receipts.addParts(sql, d.requestId(), providerIds, now)
                .chain(() -> receipts.pending(sql, providerIds))
                .chain(early -> Transactions.each(early, r -> apply(sql, r, now)).replaceWith(!early.isEmpty()));
    }

    private Uni<Boolean> receiptLocked(SqlClient sql, ReceiptStore.Receipt receipt, Instant now) {
        return receipts.addReceipt(sql, receipt, now)
                .chain(first -> first ? apply(sql, receipt, now) : Uni.createFrom().item(false));
    }

    private Uni<Boolean> apply(SqlClient sql, ReceiptStore.Receipt receipt, Instant now) {
        return receipts.requestOf(sql, receipt.providerId()).chain(request -> {
            if (request.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            return receipts.applied(sql, receipt.providerId())
                    .chain(() -> receipts.settle(sql, receipt.providerId(), receipt.delivered(), now))
                    .chain(settled -> settled ? deliveryOf(sql, request.get(), receipt, now) : Uni.createFrom().item(false));
        });
    }

    private Uni<Boolean> deliveryOf(SqlClient sql, String requestId, ReceiptStore.Receipt receipt, Instant now) {
        return ledger.lock(sql, requestId).chain(found -> {
            if (found.isEmpty() || found.get().state() != DeliveryState.SENT) {
                return Uni.createFrom().item(false);
            }
            Delivery d = found.get();
            String detail = receipt.status() + (receipt.detail() == null ? "" : " " + receipt.detail());
            if (!receipt.delivered()) {
                return ended(sql, d, DeliveryState.FAILED, DeliveryEvent.Status.FAILED, Reason.UNDELIVERED, detail, now);
            }
            return receipts.undelivered(sql, requestId).chain(open -> open > 0 ? Uni.createFrom().item(false)
                    : ended(sql, d, DeliveryState.DELIVERED, DeliveryEvent.Status.DELIVERED, null, detail, now));
        });
    }

    private Uni<Boolean> ended(SqlClient sql, Delivery d, DeliveryState state, DeliveryEvent.Status status, Reason reason,
            String detail, Instant now) {
        String code = reason == null ? null : reason.code();
        // Two parts' receipts written side by side in one transaction can both find the delivery
        // complete; only the one whose update moved the row from sent writes the event.
        return ledger.receipted(sql, d.requestId(), state, code, detail, now).chain(moved -> !moved ? Uni.createFrom().item(false)
                : ledger.history(sql, d.requestId(), state, d.channel(), code, detail, now)
                        .chain(() -> events.publish(sql, d, d.channel(), status, reason, detail, now))
                        .replaceWith(true));
    }
}
