package io.touchpoint.gateway.delivery.messaging;

import java.net.ConnectException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.mailer.MailerName;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.ChannelSender;
import io.touchpoint.gateway.delivery.domain.Content;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.EmailConfig;
import io.touchpoint.gateway.engagement.domain.EngagementLinks;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.mutiny.ext.mail.MailClient;

/**
 * Email through quarkus-mailer's pooled Vert.x SMTP clients to the configured server. The message is
 * built here rather than through quarkus-mailer's {@code Mail}, which always hands Vert.x a Cc list
 * (empty), and Vert.x then writes an empty {@code Cc:} header: invalid under RFC 5322 (an
 * address-list holds at least one address) and a mark spam filters count against the sender.
 * Transactional and marketing mail go through separate connection pools (the default
 * mailer and the one named {@code marketing}, each with its own server settings and pool size), so
 * a broadcast holding every connection never delays a password reset. The delivery id is the
 * Message-ID, so a bounce or a reply names the delivery; marketing mail carries List-Unsubscribe
 * with its one-click link and List-Unsubscribe-Post (RFC 8058); HTML gets its open pixel and
 * tracked links ({@link EngagementLinks}). Only a
 * refused connection is retried: the message cannot have reached the server then, while a retry
 * after a timeout could send it twice (the dispatcher records a timeout as unknown instead).
 * Settings per annotation can be changed in configuration ({@code quarkus.fault-tolerance."email".*}).
 */
@ApplicationScoped
public class EmailSender implements ChannelSender {

    private final MailClient transactional;
    private final MailClient marketing;
    private final String transactionalFrom;
    private final String marketingFrom;
    private final EmailConfig config;
    private final UnsubscribeLinks links;
    private final EngagementLinks engagement;
    private final Clock clock;
    private final Optional<String> bounceAddress;

    EmailSender(MailClient transactional, @MailerName("marketing") MailClient marketing,
            @ConfigProperty(name = "quarkus.mailer.from") String transactionalFrom,
            @ConfigProperty(name = "quarkus.mailer.marketing.from") String marketingFrom, EmailConfig config,
            UnsubscribeLinks links, EngagementLinks engagement, Clock clock,
            @ConfigProperty(name = "touchpoint.gateway.bounces.mailbox") Optional<String> bounceAddress) {
        this.transactional = transactional;
        this.marketing = marketing;
        this.transactionalFrom = transactionalFrom;
        this.marketingFrom = marketingFrom;
        this.config = config;
        this.links = links;
        this.engagement = engagement;
        this.clock = clock;
        this.bounceAddress = bounceAddress;
    }

    @Override
    public String channel() {
        return Channels.EMAIL;
    }

    @Override
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, retryOn = ConnectException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ChannelSender.Refused.class)
    @CircuitBreakerName("email")
    public Uni<Accepted> send(Delivery delivery, Content content) {
        MailMessage mail = new MailMessage().setFrom(delivery.transactional() ? transactionalFrom : marketingFrom)
                .setTo(delivery.address()).setSubject(content.subject()).setText(content.text());
        mail.addHeader("Message-ID", messageId(delivery.deliveryId(), config.messageIdDomain()));
        // The envelope sender: where receiving servers send their delivery status notifications.
        bounceAddress.ifPresent(mail::setBounceAddress);
        Uni<MailMessage> ready = engagement.instrument(delivery, content.html(), clock.instant())
                .map(html -> html == null ? mail : mail.setHtml(html));
        if (!delivery.transactional()) {
            ready = ready.chain(m -> links.header(delivery)).map(header -> mail.addHeader("List-Unsubscribe", header)
                    .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        }
        MailClient client = delivery.transactional() ? transactional : marketing;
        return ready.chain(m -> client.sendMail(m)).onFailure(SMTPException.class)
                .transform(e -> new ChannelSender.Refused("the SMTP server refused: " + e.getMessage(), e))
                .replaceWith(Accepted.ONE);
    }

    public static String messageId(String deliveryId, String domain) {
        return "<" + deliveryId + "@" + domain + ">";
    }
}
