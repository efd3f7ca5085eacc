package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import jakarta.activation.DataHandler;
import jakarta.inject.Inject;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
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
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.bounce.domain.BounceConfig;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Spam complaints through the real mail servers: an ARF feedback report (RFC 5965) about a sent
 * message, as a mailbox provider's feedback loop sends it, is mailed to the bounce mailbox on
 * GreenMail's SMTP and read back over its IMAP by the gateway. An abuse report suppresses the
 * address, withdraws the email consent for the message's topic in profile-service and publishes
 * COMPLAINED, once however often it comes.
 */
@QuarkusTest
class ComplaintOnTheStackTest extends DeliveryStackTest {

    @ConfigProperty(name = "touchpoint.devstack.smtp.port")
    int smtpPort;
    @Inject
    BounceConfig bounceConfig;

    private String template() {
        String marketer = bearer("marketer");
        String key = "complaint-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("name", "News",
                "defaultLocale", "en", "locales", Map.of("en", Map.of("email", Map.of("subject", "News", "text", "News."))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    /** A sent message: its SENT event and its Message-ID as the recipient's mailbox has it. */
    private record Sent(DeliveryEvent event, String messageId) {
    }

    private Sent sentTo(String profile, String email, String template) {
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        MessageRequested request = fixtures.request(profile, "j-news", template, "weekly-news", false, clock.instant());
        fixtures.publish(request);
        DeliveryEvent event = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailbox.read(email).size() == 1);
        return new Sent(event, mailbox.read(email).get(0).messageId());
    }

    @Test
    void aSpamComplaintSuppressesTheAddressAndWithdrawsTheConsentOnce() throws Exception {
        String profile = "p-" + UUID.randomUUID();
        String email = "annoyed-" + UUID.randomUUID() + "@example.com";
        String template = template();
        Sent sent = sentTo(profile, email, template);
        String reportId = "<fbl-" + UUID.randomUUID() + "@feedback.example.com>";
        report(reportId, email, sent.messageId(), "abuse");

        DeliveryEvent complained = fixtures.await(sent.event().requestId(), DeliveryEvent.Status.COMPLAINED);
        assertEquals("complaint", complained.reason());
        assertEquals("abuse reported by Yahoo!-Mail-Feedback/2.0", complained.detail());
        assertEquals(sent.event().deliveryId(), complained.deliveryId());
        given().header("Authorization", bearer("marketer")).get("/v1/suppressions/email/{a}", email).then().statusCode(200)
                .body("reason", equalTo("complaint"));

        InteractionLog interactions = InteractionLog.of(bootstrap);
        String statementId = "complaint-" + sent.event().deliveryId();
        var withdrawal = interactions.awaitOne(statementId);
        assertEquals(profile, withdrawal.key());
        assertEquals("Consent Updated", withdrawal.interaction().event());
        assertEquals("withdrawn", withdrawal.interaction().properties().get("status"));
        assertEquals("email", withdrawal.interaction().properties().get("channel"));
        assertEquals("weekly-news", withdrawal.interaction().properties().get("topic"));
        assertEquals(Map.of("traits", Map.of("email", email)), withdrawal.interaction().context());

        // A complaint stops transactional mail too.
        MessageRequested receipt = fixtures.request(profile, "j-orders", template, "orders", true, clock.instant());
        fixtures.publish(receipt);
        assertEquals("suppression-list", fixtures.await(receipt.requestId(), DeliveryEvent.Status.SUPPRESSED).reason());

        // The provider sends the same report again: it is read, recorded once, and changes nothing.
        awaitGone(reportId);
        report(reportId, email, sent.messageId(), "abuse");
        awaitGone(reportId);
        awaitOutboxEmpty();
        assertEquals(1, fixtures.eventsOf(sent.event().requestId()).stream()
                .filter(e -> e.event().status() == DeliveryEvent.Status.COMPLAINED).count());
        assertEquals(1, interactions.withMessageId(statementId).size());
    }

    @Test
    void otherFeedbackIsRecordedWithoutSuppressingAndAReportAboutAnotherMessageIsLeft() throws Exception {
        String profile = "p-" + UUID.randomUUID();
        String email = "content-" + UUID.randomUUID() + "@example.com";
        Sent sent = sentTo(profile, email, template());
        String notSpam = "<fbl-" + UUID.randomUUID() + "@feedback.example.com>";
        report(notSpam, email, sent.messageId(), "not-spam");

        awaitGone(notSpam);
        assertEquals("not-spam", pool.withConnection(sql -> sql.preparedQuery(
                "SELECT feedback_type FROM delivery_complaint WHERE report_id = $1").execute(Tuple.of(notSpam)))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getString(0));
        awaitOutboxEmpty();
        given().header("Authorization", bearer("marketer")).get("/v1/suppressions/email/{a}", email).then().statusCode(404);
        assertTrue(fixtures.eventsOf(sent.event().requestId()).stream().noneMatch(e -> e.event().status() == DeliveryEvent.Status.COMPLAINED));

        String foreign = "<fbl-" + UUID.randomUUID() + "@feedback.example.com>";
        report(foreign, email, "<" + UUID.randomUUID() + "@mail.elsewhere.example>", "abuse");
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(bounceMailbox().get(foreign)));
        given().header("Authorization", bearer("marketer")).get("/v1/suppressions/email/{a}", email).then().statusCode(404);
    }

    private void awaitGone(String reportId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !bounceMailbox().containsKey(reportId));
    }

    private void awaitOutboxEmpty() {
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.withConnection(sql -> sql.query("SELECT count(*) FROM outbox")
                .execute()).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 0);
    }

    /** What the bounce mailbox holds: each message's Message-ID and whether it was read. */
    private Map<String, Boolean> bounceMailbox() throws MessagingException {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect("127.0.0.1", imapPort, bounceConfig.mailbox().orElseThrow(), bounceConfig.password());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Map<String, Boolean> held = new LinkedHashMap<>();
            for (Message m : inbox.getMessages()) {
                String[] id = m.getHeader("Message-ID");
                if (id != null) {
                    held.put(id[0], m.isSet(Flags.Flag.SEEN));
                }
            }
            inbox.close(false);
            return held;
        }
    }

    /**
     * A feedback report as Yahoo's feedback loop builds one: multipart/report with a note for
     * people, the machine-readable feedback and the whole original message.
     */
    private void report(String reportId, String email, String originalMessageId, String feedbackType) throws Exception {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "127.0.0.1");
        smtp.put("mail.smtp.port", Integer.toString(smtpPort));
        Session session = Session.getInstance(smtp);
        MimeMessage arf = new MimeMessage(session) {
            // The provider's own id: a report sent again carries the same one.
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", reportId);
            }
        };
        arf.setFrom(new InternetAddress("feedback@arf.mail.yahoo.com"));
        arf.setRecipient(Message.RecipientType.TO, new InternetAddress(bounceConfig.mailbox().orElseThrow()));
        arf.setSubject("FW: News");
        MimeMultipart report = new MimeMultipart("report; report-type=feedback-report");
        MimeBodyPart human = new MimeBodyPart();
        human.setText("This is an email abuse report for an email message from touchpoint.local.");
        report.addBodyPart(human);
        MimeBodyPart feedback = new MimeBodyPart();
        feedback.setDataHandler(new DataHandler(new ByteArrayDataSource("Feedback-Type: " + feedbackType
                + "\r\nUser-Agent: Yahoo!-Mail-Feedback/2.0\r\nVersion: 0.1\r\nOriginal-Mail-From: <" + bounceConfig.mailbox().orElseThrow()
                + ">\r\nOriginal-Rcpt-To: " + email + "\r\nReceived-Date: Wed, 2 Dec 2026 16:00:00 +0000\r\n",
                "message/feedback-report")));
        report.addBodyPart(feedback);
        MimeBodyPart returned = new MimeBodyPart();
        String message = "Received: from mail.touchpoint.local by mta1234.mail.yahoo.com with SMTP\r\nFrom: no-reply@touchpoint.local\r\n"
                + "To: " + email + "\r\nSubject: News\r\nMessage-ID: " + originalMessageId
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nNews.\r\n";
        returned.setDataHandler(new DataHandler(new ByteArrayDataSource(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
                "message/rfc822")));
        report.addBodyPart(returned);
        arf.setContent(report);
        arf.saveChanges();
        Transport.send(arf);
    }
}
