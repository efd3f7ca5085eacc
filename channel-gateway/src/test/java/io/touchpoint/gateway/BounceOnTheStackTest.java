package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import jakarta.activation.DataHandler;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.touchpoint.platform.time.AdjustableClock;

/**
 * Bounces through the real mail servers: a DSN report (RFC 3464) about a sent message is mailed to
 * the bounce mailbox on GreenMail's SMTP and read back over its IMAP by the gateway. A hard bounce
 * suppresses the address; a soft one sends the message again, under the same delivery id, after a
 * backoff on the service clock.
 */
@QuarkusTest
class BounceOnTheStackTest extends DeliveryStackTest {

    @ConfigProperty(name = "touchpoint.devstack.smtp.port")
    int smtpPort;
    @Inject
    AdjustableClock adjustable;

    private String template() {
        String marketer = bearer("marketer");
        String key = "bounce-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("name", "News",
                "defaultLocale", "en", "locales", Map.of("en", Map.of("email", Map.of("subject", "News", "text", "News."))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    private DeliveryEvent sentTo(String profile, String email) {
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        MessageRequested request = fixtures.request(profile, "j-news", template(), "news", false, clock.instant());
        fixtures.publish(request);
        return fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
    }

    @Test
    void aHardBounceSuppressesTheAddress() throws Exception {
        String profile = "p-" + UUID.randomUUID();
        String email = "gone-" + UUID.randomUUID() + "@example.com";
        DeliveryEvent sent = sentTo(profile, email);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
        bounceVia(email, mailbox.read(email).get(0).messageId(), "5.1.1");

        DeliveryEvent bounced = fixtures.await(sent.requestId(), DeliveryEvent.Status.BOUNCED);
        assertEquals("hard-bounce", bounced.reason());
        assertTrue(bounced.detail().startsWith("5.1.1"), bounced.detail());
        given().header("Authorization", bearer("marketer")).get("/v1/suppressions/email/{a}", email).then().statusCode(200)
                .body("reason", equalTo("hard-bounce"));
        given().header("Authorization", bearer("marketer")).get("/v1/deliveries/{id}", sent.requestId()).then()
                .body("state", equalTo("bounced"));
        // The profile hears of it once, addressed by id, so a segment can find people whose address stopped working.
        var told = InteractionLog.of(bootstrap).awaitOne("bounced-" + sent.deliveryId());
        assertEquals(profile, told.key());
        assertEquals("Email Bounced", told.interaction().event());
        assertEquals(Interaction.GATEWAY_SOURCE, told.interaction().sourceId());
        assertEquals(Map.of("profileId", profile), told.interaction().context().get("touchpoint"));
        assertEquals("hard", told.interaction().properties().get("type"));
        assertEquals("j-news", told.interaction().properties().get("journeyId"));
        MessageRequested next = fixtures.request(profile, "j-news", "anything", "news", false, clock.instant());
        fixtures.publish(next);
        assertEquals("suppression-list", fixtures.await(next.requestId(), DeliveryEvent.Status.SUPPRESSED).reason());
    }

    @Test
    void aSoftBounceIsSentAgainAfterItsBackoff() throws Exception {
        String profile = "p-" + UUID.randomUUID();
        String email = "full-" + UUID.randomUUID() + "@example.com";
        DeliveryEvent sent = sentTo(profile, email);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
        String messageId = mailbox.read(email).get(0).messageId();
        bounceVia(email, messageId, "4.2.2");

        DeliveryEvent bounced = fixtures.await(sent.requestId(), DeliveryEvent.Status.BOUNCED);
        assertEquals("soft-bounce", bounced.reason());
        given().header("Authorization", bearer("marketer")).get("/v1/deliveries/{id}", sent.requestId()).then()
                .body("state", equalTo("deferred"));
        given().header("Authorization", bearer("marketer")).get("/v1/suppressions/email/{a}", email).then().statusCode(404);
        assertTrue(InteractionLog.of(bootstrap).withMessageId("bounced-" + sent.deliveryId()).isEmpty(),
                "a bounce that is sent again is not the end of the address");

        adjustable.advance(Duration.ofMinutes(15));
        await().atMost(Duration.ofSeconds(60)).until(() -> fixtures.eventsOf(sent.requestId()).stream()
                .filter(e -> e.event().status() == DeliveryEvent.Status.SENT).count() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 2);
        assertEquals(messageId, mailbox.read(email).get(1).messageId());
    }

    private static DataHandler text(String text, String type) throws java.io.IOException {
        return new DataHandler(new ByteArrayDataSource(text, type));
    }

    private void bounceVia(String email, String messageId, String status) throws Exception {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "127.0.0.1");
        smtp.put("mail.smtp.port", Integer.toString(smtpPort));
        bounce(email, messageId, status, Session.getInstance(smtp));
    }

    /** A receiving server's report, as a real one is built: multipart/report with the returned headers. */
    private void bounce(String email, String messageId, String status, Session session) throws Exception {
        MimeMessage dsn = new MimeMessage(session);
        dsn.setFrom(new InternetAddress("mailer-daemon@mx.example.com"));
        dsn.setRecipient(Message.RecipientType.TO, new InternetAddress("bounces@touchpoint.local"));
        dsn.setSubject("Undelivered Mail Returned to Sender");
        MimeMultipart report = new MimeMultipart("report; report-type=delivery-status");
        MimeBodyPart human = new MimeBodyPart();
        human.setText("Your message could not be delivered.");
        report.addBodyPart(human);
        MimeBodyPart machine = new MimeBodyPart();
        machine.setDataHandler(text("Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; " + email + "\r\nAction: failed\r\n"
                + "Status: " + status + "\r\nDiagnostic-Code: smtp; " + (status.startsWith("5") ? "550" : "452") + " " + status
                + " refused\r\n", "message/delivery-status"));
        report.addBodyPart(machine);
        MimeBodyPart returned = new MimeBodyPart();
        returned.setDataHandler(text("From: no-reply@touchpoint.local\r\nTo: " + email + "\r\nMessage-ID: " + messageId + "\r\nSubject: News\r\n",
                "text/rfc822-headers"));
        report.addBodyPart(returned);
        dsn.setContent(report);
        dsn.saveChanges();
        Transport.send(dsn);
    }
}
