package io.touchpoint.gateway.bounce.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.touchpoint.gateway.bounce.domain.BounceConfig;
import io.touchpoint.gateway.bounce.domain.Bounces;
import io.touchpoint.gateway.bounce.domain.DsnReport;
import io.touchpoint.gateway.delivery.domain.GatewayRole;
import io.touchpoint.platform.time.PeriodicWork;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Reads the bounce mailbox over IMAP: every unread DSN report (multipart/report,
 * report-type=delivery-status) is recorded, then deleted from the mailbox; other mail there is
 * marked read and left for people. The IMAP client blocks, so it runs on a worker thread, never
 * the event loop. A report recorded but not yet deleted when the process stops is read again and
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
    private final BounceConfig config;
    private final WakeupScheduler scheduler;
    private final GatewayRole.Role role;
    private volatile PeriodicWork poll;

    BounceMailbox(Pool pool, Clock clock, Vertx vertx, Bounces bounces, BounceConfig config, WakeupScheduler scheduler,
            @ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role) {
        this.pool = pool;
        this.clock = clock;
        this.vertx = vertx;
        this.bounces = bounces;
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
        return Uni.createFrom().item(this::read).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private int read() {
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "10000");
        try (Store store = Session.getInstance(props).getStore("imap")) {
            store.connect(config.host(), config.port(), config.mailbox().orElseThrow(), config.password());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            int recorded = 0;
            for (Message message : inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))) {
                List<DsnReport> reports = reports(message);
                if (reports.isEmpty()) {
                    message.setFlag(Flags.Flag.SEEN, true);
                    continue;
                }
                String reportId = reportId(message, reports.get(0));
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
                message.setFlag(Flags.Flag.DELETED, true);
                recorded += reports.size();
            }
            inbox.close(true);
            return recorded;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read the bounce mailbox " + config.mailbox().orElse("") + " at " + config.host()
                    + ":" + config.port(), e);
        }
    }

    private static String reportId(Message message, DsnReport first) throws MessagingException {
        String[] id = message.getHeader("Message-ID");
        return id != null && id.length > 0 ? id[0].strip() : first.originalMessageId() + " " + first.recipient() + " " + first.status();
    }

    /** The reports in a DSN; none for any other mail. */
    static List<DsnReport> reports(Message message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/report") || !(message.getContent() instanceof Multipart report)) {
            return List.of();
        }
        String status = null;
        String headers = null;
        for (int i = 0; i < report.getCount(); i++) {
            Part part = report.getBodyPart(i);
            String type = part.getContentType().toLowerCase(Locale.ROOT);
            if (type.startsWith("message/delivery-status")) {
                status = text(part.getInputStream());
            } else if (type.startsWith("message/rfc822") && part.getContent() instanceof MimeMessage returned) {
                headers = "Message-ID: " + returned.getMessageID();
            } else if (type.startsWith("text/rfc822-headers")) {
                headers = text(part.getInputStream());
            }
        }
        return status == null ? List.of() : DsnReport.parse(status, headers);
    }

    private static String text(InputStream in) throws IOException {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
