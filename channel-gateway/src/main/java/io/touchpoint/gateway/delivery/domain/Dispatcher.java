package io.touchpoint.gateway.delivery.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.GroupCommit;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.platform.time.CoalescedRuns;
import io.touchpoint.platform.time.PeriodicWork;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Sends queued deliveries, each at most once. A batch is moved to "sending" and committed before
 * any provider call; the provider's answer is recorded after it, with its delivery event. A process
 * that stops in between leaves rows in sending: they become UNKNOWN (when this instance starts
 * again, or once they are older than any call can take), are counted and published, and are never
 * sent again on their own, since the provider may have taken them. A provider that gave no answer
 * within its timeout makes the row UNKNOWN for the same reason; a refusal or an unreachable provider
 * makes it FAILED (it did not go out). A provider that asks to be called later (a webhook's 500) gets
 * the delivery again after a backoff with jitter, through a deferral and a wake-up, until the retry
 * window closes and it fails as retries-exhausted (dead-lettered). What the provider took is
 * recorded with the outcome: the parts (SMS segments) and the provider's ids its receipts will name.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final Pool pool;
    private final Clock clock;
    private final Vertx vertx;
    private final DeliveryStore ledger;
    private final MessageRenderer renderer;
    private final DeliveryEvents events;
    private final OutboxRelay relay;
    private final ProviderReceipts receipts;
    private final WakeupStore wakeups;
    private final WakeupScheduler scheduler;
    private final Backoff backoff;
    private final DeliveryConfig config;
    private final Map<String, ChannelSender> senders = new HashMap<>();
    private final Map<String, SendRate> rates = new HashMap<>();
    private final String instance;
    private final GatewayRole.Role role;

    private final CoalescedRuns drains = new CoalescedRuns(this::drain,
            failure -> LOG.warn("sending queued deliveries failed; they stay queued and are retried", failure));
    /** At most this many sent outcomes in one transaction. */
    private static final int SENT_GROUP = 100;
    /** Receipts older than this without a part are left pending: the ledger does not know their message. */
    private static final Duration RECEIPTS_PENDING_AT_MOST = Duration.ofMinutes(10);
    /** Pending receipts applied per sweep at most. */
    private static final int SWEPT_RECEIPTS = 500;
    /** Sent outcomes waiting to be written beyond which a send keeps its slot until its own is. */
    private static final int UNRECORDED = 2 * SENT_GROUP;
    private final GroupCommit<SentOutcome, Void> sentOutcomes;
    private volatile PeriodicWork sweep;

    Dispatcher(Pool pool, Clock clock, Vertx vertx, DeliveryStore ledger, MessageRenderer renderer,
            DeliveryEvents events, OutboxRelay relay, ProviderReceipts receipts, WakeupStore wakeups, WakeupScheduler scheduler,
            DeliveryConfig config, Instance<ChannelSender> senders,
            @ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role) {
        this.pool = pool;
        this.clock = clock;
        this.vertx = vertx;
        this.ledger = ledger;
        this.renderer = renderer;
        this.events = events;
        this.relay = relay;
        this.receipts = receipts;
        this.wakeups = wakeups;
        this.scheduler = scheduler;
        this.backoff = new Backoff(config.retry().firstDelay(), config.retry().maxDelay(), config.retry().giveUpAfter());
        this.config = config;
        this.sentOutcomes = new GroupCommit<>(pool, SENT_GROUP, this::recordSent, "sent outcomes");
        senders.forEach(s -> {
            if (s.enabled()) {
                this.senders.put(s.channel(), s);
            }
        });
        this.instance = config.instance().orElseGet(Dispatcher::hostName);
        this.role = GatewayRole.Role.of(role);
        long now = System.nanoTime();
        config.rates().forEach((channel, rate) -> {
            // A claimed batch waits for its tokens in sending; it must be through long before stuck-after.
            if (config.batch() / rate.perSecond() * 2 > config.stuckAfter().toSeconds()) {
                throw new IllegalArgumentException("touchpoint.gateway.delivery.rates." + channel + ".per-second "
                        + rate.perSecond() + " is too slow for batch " + config.batch() + " and stuck-after "
                        + config.stuckAfter() + ": lower the batch or raise stuck-after");
            }
            int burst = rate.burst().orElse((int) Math.max(1, Math.ceil(rate.perSecond())));
            rates.put(channel, new SendRate(rate.perSecond(), burst, now));
        });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    void start(@Observes StartupEvent event) {
        if (!role.delivers()) {
            LOG.info("role tracking: this process sends nothing; delivery processes do");
            return;
        }
        recoverStuck(true).subscribe().with(n -> kick(), e -> LOG.warn("recovering rows left in sending failed", e));
        sweep = PeriodicWork.every(vertx, config.sweepIntervalMs(), () -> recoverStuck(false).invoke(this::kick)
                .call(() -> receipts.applyPending(RECEIPTS_PENDING_AT_MOST, SWEPT_RECEIPTS).invoke(changed -> {
                    if (changed > 0) {
                        relay.kick();
                    }
                })), LOG, "delivery sweep failed");
    }

    void stop(@Observes ShutdownEvent event) {
        if (sweep != null) {
            sweep.cancel();
        }
    }

    /** This process's name in the rows it moves to sending. */
    public String instance() {
        return instance;
    }

    /** Sends what is queued soon; calls while a drain runs coalesce into one more drain. */
    public void kick() {
        if (role.delivers()) {
            drains.request();
        }
    }

    /**
     * Claims and sends until a claim comes back short. The next batch is claimed (and its renders
     * prepared) as soon as the last of the current one is handed out, so the provider always has
     * {@code concurrency} messages: waiting for a whole batch before claiming the next left the
     * provider idle behind each batch's slowest message. At most two batches are in sending.
     */
    private Uni<Integer> drain() {
        return Multi.createBy().repeating().uni(this::claim).whilst(batch -> batch.deliveries().size() == config.batch())
                .onItem().transformToMultiAndConcatenate(batch -> Multi.createFrom().iterable(batch.deliveries())
                        .map(d -> new Claimed(d, batch.renders())))
                .onItem().transformToUni(c -> deliver(c.delivery(), c.renders())).merge(config.concurrency())
                .collect().with(Collectors.counting()).map(Long::intValue);
    }

    private record Batch(List<Delivery> deliveries, MessageRenderer.Renders renders) {
    }

    private record Claimed(Delivery delivery, MessageRenderer.Renders renders) {
    }

    /** Moves the oldest queued rows to sending (committed before any send) and reads what they render from. */
    private Uni<Batch> claim() {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return pool.withTransaction(sql -> ledger.claimQueued(sql, config.batch(), instance, now)
                    .call(claimed -> ledger.historyOfAll(sql, claimed, DeliveryState.SENDING, "by " + instance, now)));
        }).chain(claimed -> claimed.isEmpty() ? Uni.createFrom().item(new Batch(claimed, d -> Uni.createFrom().nullItem()))
                : renderer.prepare(claimed)
                        // The rows are in sending now: each still gets an outcome, here the read's failure.
                        .onFailure().recoverWithUni(e -> Uni.createFrom().item(unreadable(e)))
                        .map(renders -> new Batch(claimed, renders)));
    }

    private static MessageRenderer.Renders unreadable(Throwable failure) {
        return d -> Uni.createFrom().failure(failure);
    }

    private Uni<Void> deliver(Delivery d, MessageRenderer.Renders renders) {
        ChannelSender sender = senders.get(d.channel());
        if (sender == null) {
            return outcome(d, DeliveryEvent.Status.FAILED, Reason.PROVIDER_FAILED, "no sender for " + d.channel());
        }
        return Uni.createFrom().deferred(() -> renders.render(d))
                .call(() -> paced(d))
                .chain(content -> sender.send(d, content))
                .chain(accepted -> sent(d, accepted))
                .onFailure().recoverWithUni(e -> {
                    if (e instanceof ChannelSender.RetryLater later) {
                        return retry(d, later);
                    }
                    if (e instanceof MessageRenderer.RenderFailed) {
                        return outcome(d, DeliveryEvent.Status.FAILED, Reason.RENDER_FAILED, e.getMessage());
                    }
                    if (e instanceof ChannelSender.NoAnswer || e instanceof TimeoutException
                            || e instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
                        return outcome(d, DeliveryEvent.Status.UNKNOWN, Reason.OUTCOME_UNKNOWN, String.valueOf(e.getMessage()));
                    }
                    LOG.debugf(e, "delivery %s failed", d.deliveryId());
                    return outcome(d, DeliveryEvent.Status.FAILED, Reason.PROVIDER_FAILED, String.valueOf(e.getMessage()));
                });
    }

    /** Waits for the channel's marketing send rate; transactional messages never wait. */
    private Uni<Void> paced(Delivery d) {
        SendRate rate = d.transactional() ? null : rates.get(d.channel());
        long wait = rate == null ? 0 : rate.reserve(System.nanoTime());
        return wait == 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }

    /**
     * The provider took it: SENT with its parts, and the receipts that came before this was written
     * apply now. Outcomes that come while one group is being written wait and are written together
     * in the next transaction ({@link GroupCommit}): one at a time costs each its own transaction
     * and connection, and under load those, not the provider, set the pace. The send's slot is
     * free as soon as the provider answered, while fewer than {@link #UNRECORDED} outcomes wait to
     * be written: a slot held until the commit left the provider idle for most of each message's
     * time. Beyond that the caller waits for its own outcome, so rows in sending stay bounded. An
     * outcome that could not be written leaves its row in sending, which becomes unknown.
     */
    private Uni<Void> sent(Delivery d, ChannelSender.Accepted accepted) {
        Uni<Void> recorded = sentOutcomes.submit(new SentOutcome(d, accepted))
                .onFailure().invoke(e -> LOG.errorf(e, "the sent outcome of delivery %s could not be recorded; it stays in"
                        + " sending and becomes unknown", d.deliveryId()))
                .onFailure().recoverWithNull().invoke(relay::kick).memoize().indefinitely();
        if (sentOutcomes.pending() < UNRECORDED) {
            recorded.subscribe().with(done -> { });
            return Uni.createFrom().voidItem();
        }
        return recorded;
    }

    private record SentOutcome(Delivery delivery, ChannelSender.Accepted accepted) {
    }

    /**
     * A group of sent outcomes in set-based statements: the rows to sent, their history, their
     * events, their parts and the receipts that came before them. Statement by statement per
     * outcome, the group's transaction, not the provider, set the pace.
     */
    private Uni<List<Void>> recordSent(io.vertx.mutiny.sqlclient.SqlClient sql, List<SentOutcome> group) {
        Instant now = clock.instant();
        List<Void> answers = new ArrayList<>(Collections.nCopies(group.size(), null));
        return ledger.sentAll(sql, group.stream().map(o -> o.delivery().requestId()).toList(),
                group.stream().map(o -> o.accepted().detail()).toList(), group.stream().map(o -> o.accepted().parts()).toList(), now)
                .chain(movedIds -> {
                    Set<String> moved = new HashSet<>(movedIds);
                    List<SentOutcome> done = new ArrayList<>();
                    for (SentOutcome o : group) {
                        if (moved.contains(o.delivery().requestId())) {
                            done.add(o);
                        } else {
                            LOG.warnf("delivery %s was no longer sending when the provider took it", o.delivery().deliveryId());
                        }
                    }
                    if (done.isEmpty()) {
                        return Uni.createFrom().item(answers);
                    }
                    List<Uni<Void>> published = new ArrayList<>();
                    Map<String, List<String>> parts = new LinkedHashMap<>();
                    for (SentOutcome o : done) {
                        Delivery d = o.delivery();
                        published.add(events.publish(sql, d, d.channel(), DeliveryEvent.Status.SENT, null, o.accepted().detail(), now));
                        parts.put(d.requestId(), o.accepted().providerIds());
                    }
                    return ledger.historyOf(sql, done.stream().map(o -> new DeliveryStore.Decided(o.delivery(), DeliveryState.SENT, null,
                            o.accepted().detail())).toList(), now)
                            // Statements on one connection are pipelined: the events go out together.
                            .chain(() -> Uni.join().all(published).andFailFast())
                            .chain(() -> receipts.parts(sql, parts, now))
                            .replaceWith(answers);
                });
    }

    /** The provider asked to be called later: deferred to the backoff's next instant, or failed once the window closed. */
    private Uni<Void> retry(Delivery d, ChannelSender.RetryLater later) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            double random = ThreadLocalRandom.current().nextDouble();
            return pool.withTransaction(sql -> ledger.attempts(sql, d.requestId()).chain(attempts -> {
                Instant first = attempts.first() == null ? now : attempts.first();
                var next = backoff.next(attempts.count(), first, now, random, later.after());
                if (next.isEmpty()) {
                    String detail = attempts.count() + " attempts since " + first + "; last: " + later.getMessage();
                    return ended(sql, d, DeliveryState.FAILED, DeliveryEvent.Status.FAILED, Reason.RETRIES_EXHAUSTED, detail, now)
                            .replaceWith((Instant) null);
                }
                Instant at = next.get();
                String detail = "attempt " + attempts.count() + ": " + later.getMessage() + "; again at " + at;
                String code = Reason.PROVIDER_RETRY.code();
                return ledger.finish(sql, d.requestId(), DeliveryState.DEFERRED, code, detail, now).chain(finished -> {
                    if (!finished) {
                        return Uni.createFrom().item((Instant) null);
                    }
                    return ledger.decide(sql, d.requestId(), DeliveryState.DEFERRED, d.channel(), d.address(), code, detail, null, at, now)
                            .chain(() -> ledger.history(sql, d.requestId(), DeliveryState.DEFERRED, d.channel(), code, detail, now))
                            .chain(() -> wakeups.schedule(sql, Deliveries.RELEASE, d.profileId() + ":" + d.requestId(), at, null))
                            .chain(() -> events.publish(sql, d, d.channel(), DeliveryEvent.Status.DEFERRED, Reason.PROVIDER_RETRY,
                                    detail, now))
                            .replaceWith(at);
                });
            }));
        }).invoke(at -> {
            relay.kick();
            if (at != null) {
                scheduler.scheduled(at);
            }
        }).replaceWithVoid().onFailure().invoke(e -> LOG.errorf(e,
                "the retry of delivery %s could not be recorded; it stays in sending and becomes unknown", d.deliveryId()))
                .onFailure().recoverWithNull();
    }

    private Uni<Boolean> ended(io.vertx.mutiny.sqlclient.SqlClient sql, Delivery d, DeliveryState state, DeliveryEvent.Status status,
            Reason reason, String detail, Instant now) {
        String code = reason == null ? null : reason.code();
        return ledger.finish(sql, d.requestId(), state, code, detail, now).chain(finished -> !finished
                ? Uni.createFrom().item(false)
                : ledger.history(sql, d.requestId(), state, d.channel(), code, detail, now)
                        .chain(() -> events.publish(sql, d, d.channel(), status, reason, detail, now)).replaceWith(true));
    }

    private Uni<Void> outcome(Delivery d, DeliveryEvent.Status status, Reason reason, String detail) {
        DeliveryState state = status == DeliveryEvent.Status.SENT ? DeliveryState.SENT
                : status == DeliveryEvent.Status.UNKNOWN ? DeliveryState.UNKNOWN : DeliveryState.FAILED;
        String code = reason == null ? null : reason.code();
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return pool.withTransaction(sql -> ledger.finish(sql, d.requestId(), state, code, detail, now).chain(finished -> {
                if (!finished) {
                    LOG.warnf("delivery %s was no longer sending when its %s outcome came", d.deliveryId(), state.code());
                    return Uni.createFrom().voidItem();
                }
                return ledger.history(sql, d.requestId(), state, d.channel(), code, detail, now)
                        .chain(() -> events.publish(sql, d, d.channel(), status, reason, detail, now));
            }));
        }).invoke(relay::kick).onFailure().invoke(e -> LOG.errorf(e,
                "the %s outcome of delivery %s could not be recorded; it stays in sending and becomes unknown", state.code(),
                d.deliveryId())).onFailure().recoverWithNull();
    }

    /**
     * Rows left in sending: at start those of this instance's name (none of its calls is in flight),
     * and at every sweep those of any instance older than {@code stuck-after}.
     */
    public Uni<Integer> recoverStuck(boolean atStart) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            String claimant = atStart ? instance : null;
            String detail = "the gateway stopped while the provider had it; it is not sent again";
            return pool.withTransaction(sql -> ledger.markStuck(sql, claimant, now.minus(config.stuckAfter()),
                    Reason.OUTCOME_UNKNOWN.code(), detail, now).call(stuck -> Transactions.each(stuck,
                            d -> ledger.history(sql, d.requestId(), DeliveryState.UNKNOWN, d.channel(), Reason.OUTCOME_UNKNOWN.code(),
                                    detail, now).chain(() -> events.publish(sql, d, d.channel(), DeliveryEvent.Status.UNKNOWN,
                                            Reason.OUTCOME_UNKNOWN, detail, now)))));
        }).map(List::size).invoke(n -> {
            if (n > 0) {
                LOG.warnf("%d deliveries were left in sending by a stopped process and are now unknown", n);
                relay.kick();
            }
        });
    }
}
