package io.touchpoint.gateway.delivery.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

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
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.platform.time.CoalescedRuns;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Sends queued deliveries, each at most once. A batch is moved to "sending" and committed before
 * any provider call; the provider's answer is recorded after it, with its delivery event. A process
 * that stops in between leaves rows in sending: they become UNKNOWN (when this instance starts
 * again, or once they are older than any call can take), are counted and published, and are never
 * sent again on their own, since the provider may have taken them. A provider that gave no answer
 * within its timeout makes the row UNKNOWN for the same reason; a refusal or an unreachable provider
 * makes it FAILED (it did not go out).
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final Pool pool;
    private final Clock clock;
    private final Vertx vertx;
    private final DeliveryStore ledger;
    private final RecipientStore recipients;
    private final MessageRenderer renderer;
    private final DeliveryEvents events;
    private final OutboxRelay relay;
    private final DeliveryConfig config;
    private final Map<String, ChannelSender> senders = new HashMap<>();
    private final Map<String, SendRate> rates = new HashMap<>();
    private final String instance;
    private final GatewayRole.Role role;

    private final CoalescedRuns drains = new CoalescedRuns(this::drain,
            failure -> LOG.warn("sending queued deliveries failed; they stay queued and are retried", failure));
    private volatile PeriodicWork sweep;

    Dispatcher(Pool pool, Clock clock, Vertx vertx, DeliveryStore ledger, RecipientStore recipients, MessageRenderer renderer,
            DeliveryEvents events, OutboxRelay relay, DeliveryConfig config, Instance<ChannelSender> senders,
            @ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role) {
        this.pool = pool;
        this.clock = clock;
        this.vertx = vertx;
        this.ledger = ledger;
        this.recipients = recipients;
        this.renderer = renderer;
        this.events = events;
        this.relay = relay;
        this.config = config;
        senders.forEach(s -> this.senders.put(s.channel(), s));
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
        sweep = PeriodicWork.every(vertx, config.sweepIntervalMs(), () -> recoverStuck(false).invoke(this::kick), LOG,
                "delivery sweep failed");
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

    private Uni<Integer> drain() {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            return pool.withTransaction(sql -> ledger.claimQueued(sql, config.batch(), instance, now)
                    .call(claimed -> Transactions.each(claimed, d -> ledger.history(sql, d.requestId(), DeliveryState.SENDING,
                            d.channel(), null, "by " + instance, now))));
        }).chain(claimed -> Multi.createFrom().iterable(claimed)
                .onItem().transformToUni(this::deliver).merge(config.concurrency())
                .collect().asList()
                .chain(done -> claimed.size() == config.batch() ? drain().map(more -> claimed.size() + more)
                        : Uni.createFrom().item(claimed.size())));
    }

    private Uni<Void> deliver(Delivery d) {
        ChannelSender sender = senders.get(d.channel());
        if (sender == null) {
            return outcome(d, DeliveryEvent.Status.FAILED, Reason.PROVIDER_FAILED, "no sender for " + d.channel());
        }
        return Uni.createFrom().deferred(() -> pool.withConnection(sql -> recipients.find(sql, d.profileId())))
                .chain(recipient -> renderer.render(d, recipient.orElse(null)))
                .call(() -> paced(d))
                .chain(content -> sender.send(d, content))
                .chain(() -> outcome(d, DeliveryEvent.Status.SENT, null, null))
                .onFailure().recoverWithUni(e -> {
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
