package io.touchpoint.gateway.engagement.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.gateway.delivery.domain.DeliveryEvents;
import io.touchpoint.gateway.delivery.domain.ProfileReports;
import io.touchpoint.gateway.delivery.domain.Reason;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * An open or a click becomes an OPENED or CLICKED delivery event (a click's detail is its URL; an
 * open's the user agent), flagged {@code machine} when {@link MachineSignals} says so, and an
 * {@code Email Opened} or {@code Email Clicked} interaction for the profile it was sent to (so
 * segments and journeys can test engagement, and the lifecycle preset counts it as contact), both
 * through the outbox in one transaction; the answer waits for the commit, so a crash loses no event
 * the recipient's client saw answered. Every fetch counts (analytics tells first from total); a
 * delivery no longer in the ledger (its person erased) counts nothing.
 */
@ApplicationScoped
public class Engagements {

    private final Pool pool;
    private final Clock clock;
    private final DeliveryStore ledger;
    private final DeliveryEvents events;
    private final OutboxRelay relay;
    private final ProfileReports reports;
    private final MachineSignals signals;
    private final MeterRegistry meters;

    Engagements(Pool pool, Clock clock, DeliveryStore ledger, DeliveryEvents events, OutboxRelay relay, ProfileReports reports,
            EngagementConfig config, MeterRegistry meters) {
        this.pool = pool;
        this.clock = clock;
        this.ledger = ledger;
        this.events = events;
        this.relay = relay;
        this.reports = reports;
        this.signals = new MachineSignals(config.machineWindow());
        this.meters = meters;
    }

    /** @return whether an event was recorded */
    public Uni<Boolean> record(EngagementToken token, String method, String userAgent) {
        Instant now = clock.instant();
        Optional<String> machine = signals.of(token.kind(), method, userAgent, token.sentAt(), now);
        DeliveryEvent.Status status = token.kind() == EngagementToken.Kind.OPEN ? DeliveryEvent.Status.OPENED
                : DeliveryEvent.Status.CLICKED;
        String detail = token.kind() == EngagementToken.Kind.CLICK ? token.url() : agent(userAgent);
        return pool.withTransaction(sql -> ledger.findByDeliveryId(sql, token.deliveryId()).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(false)
                : events.publish(sql, found.get(), found.get().channel(), status, machine.isPresent() ? Reason.MACHINE : null, detail, now)
                        .chain(() -> reports.append(sql, UUID.randomUUID().toString(), found.get(),
                                token.kind() == EngagementToken.Kind.OPEN ? ProfileReports.OPENED : ProfileReports.CLICKED,
                                details(token, machine), now))
                        .replaceWith(true)))
                .invoke(recorded -> {
                    if (recorded) {
                        relay.kick();
                        meters.counter("touchpoint.gateway.engagements", "kind", token.kind().name().toLowerCase(Locale.ROOT),
                                "signal", machine.orElse("human")).increment();
                    }
                });
    }

    /** Every fetch is its own event; {@code machine} lets rules count people only. */
    private static Map<String, Object> details(EngagementToken token, Optional<String> machine) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (token.kind() == EngagementToken.Kind.CLICK) {
            details.put("url", token.url());
        }
        details.put("machine", machine.isPresent());
        machine.ifPresent(signal -> details.put("machineSignal", signal));
        return details;
    }

    private static String agent(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        return userAgent.length() > 300 ? userAgent.substring(0, 300) : userAgent;
    }
}
