package io.touchpoint.gateway.bounce.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.ProfileErasureRequested;
import io.touchpoint.gateway.bounce.store.BounceStore;
import io.touchpoint.gateway.delivery.domain.Addresses;
import io.touchpoint.gateway.delivery.domain.Deliveries;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.DeliveryEvents;
import io.touchpoint.gateway.delivery.domain.DeliveryState;
import io.touchpoint.gateway.delivery.domain.ProfileReports;
import io.touchpoint.gateway.delivery.domain.Reason;
import io.touchpoint.gateway.delivery.domain.SuppressionReason;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.delivery.store.SuppressionStore;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.platform.erasure.ErasureHandler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What a bounce does to its delivery, in one transaction with the report's row: a hard bounce puts
 * the address on the suppression list and ends the delivery as BOUNCED; a soft one defers it for a
 * backoff that doubles each time (platform wake-up), after which the policy decides it again and it
 * is sent again under the same delivery id, until the retries are used up. Either is a BOUNCED
 * delivery event with its reason. A delivery that ends bounced is also reported to its profile
 * ({@link ProfileReports#BOUNCED}, once per delivery), so a segment can find the people whose address
 * stopped working, e.g. to ask them for a new one on the site.
 */
@ApplicationScoped
public class Bounces implements ErasureHandler {

    private final BounceStore bounces;
    private final DeliveryStore ledger;
    private final SuppressionStore suppressions;
    private final WakeupStore wakeups;
    private final DeliveryEvents events;
    private final ProfileReports reports;
    private final BounceConfig config;

    Bounces(BounceStore bounces, DeliveryStore ledger, SuppressionStore suppressions, WakeupStore wakeups,
            DeliveryEvents events, ProfileReports reports, BounceConfig config) {
        this.bounces = bounces;
        this.ledger = ledger;
        this.suppressions = suppressions;
        this.wakeups = wakeups;
        this.events = events;
        this.reports = reports;
        this.config = config;
    }

    /** @return when the delivery is to be sent again (a soft bounce), else null */
    public Uni<Instant> record(SqlClient sql, String reportId, DsnReport report, Instant now) {
        if (!report.bounce() || report.deliveryId().isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return ledger.findByDeliveryId(sql, report.deliveryId().get()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            Delivery d = found.get();
            String detail = report.status() + (report.diagnostic() == null ? "" : " " + report.diagnostic());
            return bounces.record(sql, reportId, d.deliveryId(), d.profileId(), report.hard(), report.status(),
                    report.diagnostic(), now).chain(first -> {
                        if (!first) {
                            return Uni.createFrom().nullItem();
                        }
                        return report.hard() ? hard(sql, d, detail, now) : soft(sql, d, detail, now);
                    });
        });
    }

    private Uni<Instant> hard(SqlClient sql, Delivery d, String detail, Instant now) {
        var entry = new SuppressionStore.Entry(Channels.EMAIL, Addresses.normalize(Channels.EMAIL, d.address()),
                SuppressionReason.HARD_BOUNCE, "delivery " + d.deliveryId() + ": " + detail, now);
        return suppressions.put(sql, entry).chain(() -> ended(sql, d, Reason.HARD_BOUNCE, detail, now)).replaceWith((Instant) null);
    }

    private Uni<Instant> soft(SqlClient sql, Delivery d, String detail, Instant now) {
        return bounces.softBounces(sql, d.deliveryId()).chain(count -> {
            if (count > config.softRetries()) {
                return ended(sql, d, Reason.SOFT_BOUNCE, detail + "; " + config.softRetries() + " resends used", now)
                        .replaceWith((Instant) null);
            }
            Instant again = now.plus(backoff(config.softBackoff(), count));
            String text = detail + "; sent again at " + again;
            return ledger.decide(sql, d.requestId(), DeliveryState.DEFERRED, d.channel(), d.address(), Reason.SOFT_BOUNCE.code(),
                    text, null, again, now)
                    .chain(() -> ledger.history(sql, d.requestId(), DeliveryState.DEFERRED, d.channel(), Reason.SOFT_BOUNCE.code(),
                            text, now))
                    .chain(() -> wakeups.schedule(sql, Deliveries.RELEASE, d.profileId() + ":" + d.requestId(), again, null))
                    .chain(() -> events.publish(sql, d, d.channel(), DeliveryEvent.Status.BOUNCED, Reason.SOFT_BOUNCE, text, now))
                    .replaceWith(again);
        });
    }

    private Uni<Void> ended(SqlClient sql, Delivery d, Reason reason, String detail, Instant now) {
        return ledger.bounced(sql, d.requestId(), reason.code(), detail, now)
                .chain(() -> ledger.history(sql, d.requestId(), DeliveryState.BOUNCED, d.channel(), reason.code(), detail, now))
                .chain(() -> events.publish(sql, d, d.channel(), DeliveryEvent.Status.BOUNCED, reason, detail, now))
                .chain(() -> reports.append(sql, "bounced-" + d.deliveryId(), d, ProfileReports.BOUNCED,
                        Map.of("type", reason == Reason.HARD_BOUNCE ? "hard" : "soft", "detail", detail), now));
    }

    @Override
    public Uni<Void> erase(SqlClient sql, ProfileErasureRequested erasure, List<String> profileIds) {
        return bounces.forget(sql, profileIds);
    }

    static Duration backoff(Duration first, long count) {
        return first.multipliedBy(1L << Math.min(count - 1, 20));
    }
}
