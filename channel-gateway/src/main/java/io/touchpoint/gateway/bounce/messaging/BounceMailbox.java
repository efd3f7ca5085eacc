package io.touchpoint.gateway.bounce.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.bounce.domain.BounceConfig;
import io.touchpoint.gateway.bounce.domain.Bounces;
import io.touchpoint.gateway.bounce.domain.Complaints;
import io.touchpoint.gateway.bounce.domain.DsnReport;
import io.touchpoint.gateway.bounce.domain.FeedbackReport;
import io.touchpoint.gateway.delivery.domain.GatewayRole;
import io.touchpoint.gateway.mailbox.messaging.MailboxReader;
import io.touchpoint.platform.time.PeriodicWork;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Reads the bounce mailbox over IMAP: every unread DSN report (multipart/report,
 * report-type=delivery-status) and every ARF feedback report (report-type=feedback-report) about a
 * message of ours is recorded, then deleted from the mailbox; other mail there (a feedback report
 * about someone else's message included) is marked read and left for people ({@link MailboxReader},
 * on a worker thread). A report recorded but not yet deleted when the process stops is read again and
 * changes nothing (its Message-ID is its key).
 */
@ApplicationScoped
public class BounceMailbox {

    private static final Logger LOG = Logger.getLogger(BounceMailbox.class);
    private static final Duration DB_WAIT = Duration.ofSeconds(30);

    private final Pool pool;
    private final Clock clock;
    private final Vertx vertx;
    private final Bounces bounces;
    private final Complaints complaints;
    private final BounceConfig config;
    private final WakeupScheduler scheduler;
    private final GatewayRole.Role role;
    private volatile PeriodicWork poll;

    BounceMailbox(Pool pool, Clock clock, Vertx vertx, Bounces bounces, Complaints complaints, BounceConfig config,
            WakeupScheduler scheduler,
            @ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role) {
        this.pool = pool;
        this.clock = clock;
        this.vertx = vertx;
        this.bounces = bounces;
        this.complaints = complaints;
        this.config = config;
        this.scheduler = scheduler;
        this.role = GatewayRole.Role.of(role);
    }

    void start(@Observes StartupEvent event) {
        if (config.mailbox().isEmpty() || !role.delivers()) {
            return;
        }
        poll = PeriodicWork.every(vertx, config.pollInterval().toMillis(), this::readOnce, LOG, "reading the bounce mailbox failed");
    }

    void stop(@Observes ShutdownEvent event) {
        if (poll != null) {
            poll.cancel();
        }
    }

    /** Reads the mailbox now; how many reports it recorded. */
    public Uni<Integer> readOnce() {
        var account = new MailboxReader.Account(config.host(), config.port(), config.mailbox().orElseThrow(), config.password(),
                config.tls(), config.trust().orElse(null));
        return MailboxReader.readOnWorker(account, message -> {
            ReportParts parts = ReportParts.of(message);
            Optional<FeedbackReport> feedback = parts.feedback();
            return feedback.isPresent() ? complaint(message, feedback.get()) : bounces(message, parts.deliveryStatus());
        });
    }

    /** @return how many reports the DSN held, all recorded; none when the mail is no DSN */
    private int bounces(Message message, List<DsnReport> reports) throws MessagingException {
        if (reports.isEmpty()) {
            return 0;
        }
        DsnReport first = reports.get(0);
        String reportId = reportId(message, first.originalMessageId() + " " + first.recipient() + " " + first.status());
        Instant now = clock.instant();
        List<Instant> again = new ArrayList<>();
        // A worker thread may wait: the transaction runs on the pool's event loop meanwhile.
        pool.withTransaction(sql -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (int i = 0; i < reports.size(); i++) {
                DsnReport report = reports.get(i);
                String id = reports.size() == 1 ? reportId : reportId + "#" + i;
                all = all.chain(() -> bounces.record(sql, id, report, now).invoke(at -> {
                    if (at != null) {
                        again.add(at);
                    }
                })).replaceWithVoid();
            }
            return all;
        }).await().atMost(DB_WAIT);
        again.forEach(scheduler::scheduled);
        return reports.size();
    }

    /** @return 1 when the feedback report was about a message of ours and is recorded, else 0 */
    private int complaint(Message message, FeedbackReport report) throws MessagingException {
        String reportId = reportId(message, report.originalMessageId() + " " + report.feedbackType() + " " + report.userAgent());
        Instant now = clock.instant();
        boolean ours = pool.withTransaction(sql -> complaints.record(sql, reportId, report, now)).await().atMost(DB_WAIT);
        return ours ? 1 : 0;
    }

    /** The report's own Message-ID; the fallback names what it reports, for the rare report without one. */
    private static String reportId(Message message, String fallback) throws MessagingException {
        String[] id = message.getHeader("Message-ID");
        return id != null && id.length > 0 ? id[0].strip() : fallback;
    }
}
