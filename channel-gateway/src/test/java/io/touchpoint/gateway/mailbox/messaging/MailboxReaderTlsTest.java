package io.touchpoint.gateway.mailbox.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SSLException;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The mailbox reader over IMAPS against a real IMAPS server (GreenMail, with its own self-signed
 * certificate): the certificate is checked unless the host is named as trusted.
 */
class MailboxReaderTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private GreenMail server;
    private GreenMailUser bounces;

    @BeforeEach
    void start() throws Exception {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS).dynamicPort());
        server.start();
        bounces = server.setUser("bounces@example.test", "bounces@example.test", "secret");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("mailer-daemon@example.test"));
        message.setSubject("Undelivered Mail Returned to Sender");
        message.setText("a report");
        bounces.deliver(message);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private MailboxReader.Account account(String trustedHosts) {
        return new MailboxReader.Account("127.0.0.1", server.getImaps().getPort(), "bounces@example.test", "secret", true,
                trustedHosts);
    }

    @Test
    void aTrustedServersMailboxIsReadOverTls() {
        List<String> subjects = new ArrayList<>();
        int recorded = MailboxReader.readOnWorker(account("127.0.0.1"), message -> {
            subjects.add(message.getSubject());
            return 1;
        }).await().atMost(WAIT);
        assertEquals(1, recorded);
        assertEquals(List.of("Undelivered Mail Returned to Sender"), subjects);
        // Dealt with, so deleted: a second pass finds nothing.
        assertEquals(0, MailboxReader.readOnWorker(account("127.0.0.1"), message -> 1).await().atMost(WAIT));
    }

    @Test
    void aCertificateNoAuthorityVouchesForIsRefused() {
        var failure = assertThrows(IllegalStateException.class,
                () -> MailboxReader.readOnWorker(account(null), message -> 1).await().atMost(WAIT));
        boolean tls = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            tls |= t instanceof SSLException;
        }
        assertTrue(tls, "refused in the TLS handshake: " + failure);
        assertEquals(1, server.getReceivedMessages().length, "nothing was read or deleted");
    }
}
