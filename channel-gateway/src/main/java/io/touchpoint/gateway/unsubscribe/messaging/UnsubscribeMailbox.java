package io.touchpoint.gateway.unsubscribe.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.GatewayRole;
import io.touchpoint.gateway.mailbox.messaging.MailboxReader;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeConfig;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeToken;
import io.touchpoint.gateway.unsubscribe.domain.Unsubscribes;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;

/**
 * Reads the mailto unsubscribe mailbox over IMAP: a message whose subject carries a valid token of
 * one of our links ({@code unsubscribe <token>}, as List-Unsubscribe's mailto target asks the mail
 * client to write it) withdraws the consent exactly as the one-click link does, and is deleted; a
 * second use of the same link, by either route, changes nothing. Anything else (no token, a forged
 * or garbled one, a person writing in) is marked read and left for people.
 */
@ApplicationScoped
public class UnsubscribeMailbox {

    private static final Logger LOG = Logger.getLogger(UnsubscribeMailbox.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The token after the word, wherever a client put it in the subject ("Re: ", a tag in brackets). */
    private static final Pattern SUBJECT = Pattern.compile("(?i)\\bunsubscribe\\s+([A-Za-z0-9._-]+)");

    private final UnsubscribeConfig config;
    private final UnsubscribeLinks links;
    private final Unsubscribes unsubscribes;
    private final Vertx vertx;
    private final GatewayRole.Role role;
    private volatile PeriodicWork poll;

    UnsubscribeMailbox(UnsubscribeConfig config, UnsubscribeLinks links, Unsubscribes unsubscribes, Vertx vertx,
            @ConfigProperty(name = GatewayRole.PROPERTY, defaultValue = "both") String role) {
        this.config = config;
        this.links = links;
        this.unsubscribes = unsubscribes;
        this.vertx = vertx;
        this.role = GatewayRole.Role.of(role);
    }

    void start(@Observes StartupEvent event) {
        if (config.mailto().isEmpty() || !role.delivers()) {
            return;
        }
        poll = PeriodicWork.every(vertx, config.imap().pollInterval().toMillis(), this::readOnce, LOG,
                "reading the unsubscribe mailbox failed");
    }

    void stop(@Observes ShutdownEvent event) {
        if (poll != null) {
            poll.cancel();
        }
    }

    /** Reads the mailbox now; how many messages withdrew a consent or repeated a withdrawal. */
    public Uni<Integer> readOnce() {
        var imap = config.imap();
        String login = imap.user().orElse(config.mailto().orElseThrow());
        return MailboxReader.readOnWorker(new MailboxReader.Account(imap.host(), imap.port(), login, imap.password(), imap.tls(),
                imap.trust().orElse(null)), this::apply);
    }

    /** @return 1 when the message carried one of our tokens and its withdrawal is recorded, else 0 */
    private int apply(Message message) throws MessagingException {
        Optional<String> token = token(message.getSubject());
        if (token.isEmpty()) {
            return 0;
        }
        // A worker thread may wait: the verification and the transaction run on event loops meanwhile.
        Optional<UnsubscribeToken> verified = links.verify(token.get()).await().atMost(WAIT);
        if (verified.isEmpty()) {
            LOG.debugf("a message in the unsubscribe mailbox carries no valid token: %s", message.getSubject());
            return 0;
        }
        unsubscribes.unsubscribe(verified.get(), Unsubscribes.Route.MAILTO).await().atMost(WAIT);
        return 1;
    }

    /** The token a subject carries, if any: not yet verified. */
    static Optional<String> token(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        Matcher m = SUBJECT.matcher(subject);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
