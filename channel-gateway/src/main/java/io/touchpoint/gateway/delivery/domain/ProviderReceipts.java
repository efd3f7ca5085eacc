package io.touchpoint.gateway.delivery.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.delivery.store.ReceiptStore;
import io.touchpoint.platform.store.GroupCommit;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What providers report about messages they took (an SMSC's delivery receipts). A sent delivery
 * becomes DELIVERED once every one of its parts was reported delivered, and FAILED (reason
 * {@code undelivered}) at the first part reported not delivered; either once, with its delivery
 * event. A receipt seen before changes nothing. A receipt can come before its part is recorded (the
 * provider answers faster than the ledger writes the send): it waits, and applies when the part is
 * recorded. When both are written at the same moment each transaction can miss the other; the sweep
 * ({@link #applyPending}) applies such receipts a moment later. Receipts come one by one on the
 * provider's threads, each waiting until it is recorded: they are committed in groups, a handful of
 * set-based statements per group ({@link #record}). A transaction and nine statements each made
 * the receipts, not the sends, the limit; locking the provider ids against the sends' transactions
 * made the two kinds of groups wait for each other in turn.
 */
@ApplicationScoped
public class ProviderReceipts {

    /** Receipts written in one transaction at most. */
    private static final int GROUP = 200;

    private final ReceiptStore receipts;
    private final DeliveryStore ledger;
    private final DeliveryEvents events;
    private final Clock clock;
    private final Pool pool;
    private final GroupCommit<ReceiptStore.Receipt, Boolean> recorded;

    ProviderReceipts(ReceiptStore receipts, DeliveryStore ledger, DeliveryEvents events, Clock clock, Pool pool) {
        this.receipts = receipts;
        this.ledger = ledger;
        this.events = events;
        this.clock = clock;
        this.pool = pool;
        this.recorded = new GroupCommit<>(pool, GROUP, this::recordAll, "provider receipts");
    }

    /**
     * Records a receipt in a transaction of its own or shared with others that came meanwhile;
     * completes once committed, true when it changed a delivery (an event was written).
     */
    public Uni<Boolean> record(ReceiptStore.Receipt receipt) {
        return recorded.submit(receipt);
    }

    /**
     * The parts providers took for deliveries now recorded as sent (provider ids per request id);
     * receipts that came first apply now. True when one changed a delivery.
     */
    public Uni<Boolean> parts(SqlClient sql, Map<String, List<String>> providerIdsByRequest, Instant now) {
        List<String> ids = providerIdsByRequest.values().stream().flatMap(List::stream).toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return receipts.addParts(sql, providerIdsByRequest, now)
                .chain(() -> apply(sql, ids, now))
                .map(changed -> !changed.isEmpty());
    }

    /**
     * Applies receipts that came between {@code maxAge} and a second ago and are still not applied,
     * now that their part may be recorded; how many changed a delivery. Older ones stay pending: no
     * part came for them (the provider reported a message this gateway's ledger does not know).
     */
    public Uni<Integer> applyPending(Duration maxAge, int limit) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return pool.withTransaction(sql -> receipts.pending(sql, now.minus(maxAge), now.minusSeconds(1), limit)
                    .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(Set.<String>of()) : apply(sql, ids, now)))
                    .map(Set::size);
        });
    }

    /** A group of receipts: each answered true when it changed a delivery. */
    private Uni<List<Boolean>> recordAll(SqlClient sql, List<ReceiptStore.Receipt> group) {
        Instant now = clock.instant();
        // A receipt sent again within the group is a repeat, as it is across groups.
        Map<String, ReceiptStore.Receipt> firstOf = new LinkedHashMap<>();
        group.forEach(r -> firstOf.putIfAbsent(r.providerId(), r));
        List<String> ids = List.copyOf(firstOf.keySet());
        return receipts.addReceipts(sql, List.copyOf(firstOf.values()), now)
                .chain(fresh -> fresh.isEmpty() ? Uni.createFrom().item(Set.<String>of())
                        : apply(sql, ids.stream().filter(fresh::contains).toList(), now))
                .map(changed -> {
                    Set<ReceiptStore.Receipt> answered = new HashSet<>();
                    List<Boolean> answers = new ArrayList<>(group.size());
                    for (ReceiptStore.Receipt r : group) {
                        boolean first = firstOf.get(r.providerId()) == r && answered.add(r);
                        answers.add(first && changed.contains(r.providerId()));
                    }
                    return answers;
                });
    }

    /**
     * Applies the receipts of these ids that are not applied yet to their recorded parts, and ends
     * the deliveries they complete. The provider ids whose receipt changed a delivery.
     */
    private Uni<Set<String>> apply(SqlClient sql, List<String> providerIds, Instant now) {
        return receipts.settleAll(sql, providerIds, now).chain(settled -> {
            if (settled.isEmpty()) {
                return Uni.createFrom().item(Set.<String>of());
            }
            Map<String, List<ReceiptStore.Settled>> byRequest = new LinkedHashMap<>();
            settled.forEach(s -> byRequest.computeIfAbsent(s.requestId(), k -> new ArrayList<>()).add(s));
            List<String> requests = List.copyOf(new TreeSet<>(byRequest.keySet()));
            return ledger.lockSent(sql, requests).chain(sent -> sent.isEmpty() ? Uni.createFrom().item(Set.<String>of())
                    : receipts.undeliveredOf(sql, sent.stream().map(Delivery::requestId).toList())
                            .chain(open -> end(sql, sent, byRequest, open, now)));
        });
    }

    /** Sent deliveries a receipt ended: FAILED at the first part not delivered, DELIVERED when no part is open. */
    private Uni<Set<String>> end(SqlClient sql, List<Delivery> sent, Map<String, List<ReceiptStore.Settled>> byRequest,
            Map<String, Long> open, Instant now) {
        List<DeliveryStore.Decided> ends = new ArrayList<>();
        Map<String, String> endedBy = new LinkedHashMap<>();
        for (Delivery d : sent) {
            List<ReceiptStore.Settled> mine = byRequest.get(d.requestId());
            Optional<ReceiptStore.Settled> failed = mine.stream().filter(s -> !s.delivered()).findFirst();
            ReceiptStore.Settled by = failed.orElse(mine.get(mine.size() - 1));
            if (failed.isEmpty() && open.getOrDefault(d.requestId(), 0L) > 0) {
                continue;
            }
            String detail = by.status() + (by.detail() == null ? "" : " " + by.detail());
            ends.add(new DeliveryStore.Decided(d, failed.isPresent() ? DeliveryState.FAILED : DeliveryState.DELIVERED,
                    failed.isPresent() ? Reason.UNDELIVERED.code() : null, detail));
            endedBy.put(d.requestId(), by.providerId());
        }
        return ledger.receiptedAll(sql, ends, now).chain(movedIds -> {
            Set<String> moved = new HashSet<>(movedIds);
            List<DeliveryStore.Decided> done = ends.stream().filter(e -> moved.contains(e.delivery().requestId())).toList();
            if (done.isEmpty()) {
                return Uni.createFrom().item(Set.<String>of());
            }
            List<Uni<Void>> published = new ArrayList<>();
            for (DeliveryStore.Decided e : done) {
                Delivery d = e.delivery();
                boolean delivered = e.state() == DeliveryState.DELIVERED;
                published.add(events.publish(sql, d, d.channel(), delivered ? DeliveryEvent.Status.DELIVERED
                        : DeliveryEvent.Status.FAILED, delivered ? null : Reason.UNDELIVERED, e.detail(), now));
            }
            Set<String> changed = new HashSet<>();
            done.forEach(e -> changed.add(endedBy.get(e.delivery().requestId())));
            // Statements on one connection are pipelined: the events go out together, not one round trip each.
            return ledger.historyOf(sql, done, now)
                    .chain(() -> Uni.join().all(published).andFailFast())
                    .replaceWith(changed);
        });
    }
}
