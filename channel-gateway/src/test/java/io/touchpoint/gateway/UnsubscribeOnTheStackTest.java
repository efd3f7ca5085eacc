package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.touchpoint.gateway.support.Mailbox;

/**
 * RFC 8058 on the real stack: marketing mail read over IMAP carries List-Unsubscribe and
 * List-Unsubscribe-Post; POSTing its link (no login) puts one consent withdrawal for the channel and
 * topic on the interactions topic for profile-service, however often it is used; GET only asks. Its
 * mailto target (RFC 2369), written by the recipient's mail client to the devstack's SMTP server, does
 * the same once the gateway reads that mailbox over IMAP.
 */
@QuarkusTest
class UnsubscribeOnTheStackTest extends DeliveryStackTest {

    private static final Pattern LINK = Pattern.compile("<https?://[^/>]+(/v1/unsubscribe/([A-Za-z0-9._-]+))>");
    private static final Pattern MAILTO = Pattern.compile("<mailto:([^?>]+)\\?subject=([^>]+)>");

    @ConfigProperty(name = "touchpoint.devstack.smtp.port")
    int smtpPort;



    private String template() {
        String marketer = bearer("marketer");
        String key = "news-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("name", "News",
                "defaultLocale", "en", "locales", Map.of("en", Map.of("email", Map.of("subject", "News",
                        "html", "<p>News</p><p><a href=\"{{ unsubscribeUrl }}\">Unsubscribe</a></p>"))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    private Mailbox.Mail send(String profile, String email, String template, String topic, boolean transactional) {
        MessageRequested request = fixtures.request(profile, "j-news", template, topic, transactional, clock.instant());
        fixtures.publish(request);
        fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> !mailbox.read(email).isEmpty());
        return mailbox.read(email).get(0);
    }

    @Test
    void theOneClickLinkWithdrawsTheConsentForTheTopicOnce() {
        String profile = "p-" + UUID.randomUUID();
        String email = "reader-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        Mailbox.Mail mail = send(profile, email, template(), "weekly-news", false);

        assertEquals("List-Unsubscribe=One-Click", mail.header("List-Unsubscribe-Post"));
        // No recipient besides To: no Cc header at all (an empty one is invalid under RFC 5322).
        assertNull(mail.header("Cc"), mail.headers().toString());
        assertTrue(mail.from().contains("@"), mail.from());
        Matcher link = LINK.matcher(mail.header("List-Unsubscribe"));
        assertTrue(link.find(), mail.header("List-Unsubscribe"));
        String path = link.group(1);
        assertTrue(mail.html().contains(path), "the body's unsubscribe link is the header's");

        // A link scanner's GET changes nothing.
        given().get(path).then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<form method=\"post\">"));
        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").post(path)
                .then().statusCode(200).body(containsString("You are unsubscribed"));
        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").post(path)
                .then().statusCode(200);

        InteractionLog interactions = InteractionLog.of(bootstrap);
        var withdrawal = interactions.awaitMatching(i -> "Consent Updated".equals(i.event())
                && email.equals(traitEmail(i.context())), 1).get(0);
        assertEquals(profile, withdrawal.key());
        assertEquals("withdrawn", withdrawal.interaction().properties().get("status"));
        assertEquals("email", withdrawal.interaction().properties().get("channel"));
        assertEquals("weekly-news", withdrawal.interaction().properties().get("topic"));
        assertNull(withdrawal.interaction().userId());
        DeliveryEvent unsubscribed = fixtures.deliveryEvents().await(e -> e.status() == DeliveryEvent.Status.UNSUBSCRIBED
                && e.profileId().equals(profile), 1).get(0).event();
        assertEquals("unsubscribe-" + unsubscribed.deliveryId(), withdrawal.interaction().messageId());
        // The second click was answered but withdrew nothing more: the outbox is empty and there is still one of each.
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.withConnection(sql -> sql.query("SELECT count(*) FROM outbox")
                .execute()).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 0);
        assertEquals(1, interactions.matching(i -> email.equals(traitEmail(i.context()))).size());
        assertEquals(1, fixtures.deliveryEvents().matching(e -> e.status() == DeliveryEvent.Status.UNSUBSCRIBED
                && e.profileId().equals(profile)).size());
    }

    @Test
    void aMailToTheMailtoTargetWithdrawsTheConsentOnceAndAForgedOneIsLeftForPeople() throws Exception {
        String profile = "p-" + UUID.randomUUID();
        String email = "writer-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        Mailbox.Mail mail = send(profile, email, template(), "weekly-deals", false);
        Matcher mailto = MAILTO.matcher(mail.header("List-Unsubscribe"));
        assertTrue(mailto.find(), mail.header("List-Unsubscribe"));
        String box = mailto.group(1);
        String subject = URLDecoder.decode(mailto.group(2), StandardCharsets.UTF_8);
        Matcher link = LINK.matcher(mail.header("List-Unsubscribe"));
        assertTrue(link.find());
        assertEquals("unsubscribe " + link.group(2), subject, "the mailto target carries the link's token");

        // What the recipient's mail client sends, twice (a second press), and a forged token from someone else.
        mailTo(email, box, subject);
        mailTo(email, box, "Re: " + subject);
        String forged = "unsubscribe u1.Zm9yZ2Vk.bm90LWEtbWFj " + UUID.randomUUID();
        mailTo("prankster@example.com", box, forged);

        InteractionLog interactions = InteractionLog.of(bootstrap);
        var withdrawal = interactions.awaitMatching(i -> "Consent Updated".equals(i.event())
                && email.equals(traitEmail(i.context())), 1).get(0);
        assertEquals(profile, withdrawal.key());
        assertEquals("withdrawn", withdrawal.interaction().properties().get("status"));
        assertEquals("weekly-deals", withdrawal.interaction().properties().get("topic"));
        DeliveryEvent unsubscribed = fixtures.deliveryEvents().await(e -> e.status() == DeliveryEvent.Status.UNSUBSCRIBED
                && e.profileId().equals(profile), 1).get(0).event();
        assertEquals("unsubscribe-" + unsubscribed.deliveryId(), withdrawal.interaction().messageId());

        // Both real ones were dealt with and deleted; the forged one is read and left for people.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, Boolean> left = unsubscribeBox(box);
            return Boolean.TRUE.equals(left.get(forged)) && left.keySet().stream().noneMatch(k -> k.contains(link.group(2)));
        });
        // The one-click link after the mail changes nothing more, and neither did the second mail.
        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").post(link.group(1))
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.withConnection(sql -> sql.query("SELECT count(*) FROM outbox")
                .execute()).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 0);
        assertEquals(1, interactions.matching(i -> email.equals(traitEmail(i.context()))).size());
        assertEquals(1, fixtures.deliveryEvents().matching(e -> e.status() == DeliveryEvent.Status.UNSUBSCRIBED
                && e.profileId().equals(profile)).size());
    }

    private void mailTo(String from, String to, String subject) throws Exception {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "127.0.0.1");
        smtp.put("mail.smtp.port", Integer.toString(smtpPort));
        MimeMessage message = new MimeMessage(Session.getInstance(smtp));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("This message was automatically generated by the mail client to unsubscribe.");
        Transport.send(message);
    }

    /** The messages left in the unsubscribe mailbox: subject → read. */
    private Map<String, Boolean> unsubscribeBox(String box) throws Exception {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect("127.0.0.1", imapPort, box, "any");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Map<String, Boolean> left = new java.util.HashMap<>();
            for (Message m : inbox.getMessages()) {
                if (!m.isSet(Flags.Flag.DELETED)) {
                    left.put(m.getSubject(), m.isSet(Flags.Flag.SEEN));
                }
            }
            inbox.close(false);
            return left;
        }
    }

    @Test
    void thePreferenceCenterBehindTheSameTokenSendsWhatChanged() {
        String profile = "p-" + UUID.randomUUID();
        String email = "chooser-" + UUID.randomUUID() + "@example.com";
        var news = new io.touchpoint.contracts.events.ConsentState("email", "news",
                io.touchpoint.contracts.events.ConsentState.Status.WITHDRAWN, false, clock.instant().minusSeconds(60), "test");
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*"), DeliveryFixtures.granted("email", "win-back"),
                news), Map.of());
        Mailbox.Mail mail = send(profile, email, template(), "weekly-news", false);
        Matcher link = LINK.matcher(mail.header("List-Unsubscribe"));
        assertTrue(link.find());
        String preferences = "/v1/preferences/" + link.group(2);

        given().get(preferences).then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("value=\"weekly-news\" checked"))
                .body(containsString("value=\"win-back\" checked"))
                .body(containsString("value=\"news\">"));
        String form = "shown=weekly-news&shown=*&shown=win-back&shown=news&topic=*&topic=news";
        given().contentType("application/x-www-form-urlencoded").body(form).post(preferences).then().statusCode(200)
                .body(containsString("Saved."));

        InteractionLog interactions = InteractionLog.of(bootstrap);
        var statements = interactions.awaitMatching(i -> "Consent Updated".equals(i.event()) && email.equals(traitEmail(i.context())), 3);
        Map<Object, Object> byTopic = new java.util.HashMap<>();
        statements.forEach(p -> byTopic.put(p.interaction().properties().get("topic"), p.interaction().properties().get("status")));
        assertEquals(Map.of("weekly-news", "withdrawn", "win-back", "withdrawn", "news", "granted"), byTopic);
        statements.forEach(p -> assertEquals(profile, p.key()));

        // Once profile-service's change comes back, the same choice again changes nothing.
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*"), DeliveryFixtures.granted("email", "news"),
                withdrawn("weekly-news"), withdrawn("win-back")), Map.of());
        given().contentType("application/x-www-form-urlencoded").body(form).post(preferences).then().statusCode(200)
                .body(containsString("Nothing changed."));
        given().contentType("application/x-www-form-urlencoded").body(form).post("/v1/preferences/u1.Zm9yZ2Vk.bm90LWEtbWFj")
                .then().statusCode(400).contentType("application/problem+json");
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.withConnection(sql -> sql.query("SELECT count(*) FROM outbox")
                .execute()).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 0);
        assertEquals(3, interactions.matching(i -> "Consent Updated".equals(i.event()) && email.equals(traitEmail(i.context()))).size());
    }

    private io.touchpoint.contracts.events.ConsentState withdrawn(String topic) {
        return new io.touchpoint.contracts.events.ConsentState("email", topic,
                io.touchpoint.contracts.events.ConsentState.Status.WITHDRAWN, false, clock.instant(), "test");
    }

    @Test
    void transactionalMailHasNoUnsubscribeLinkAndAForgedLinkIsRefused() {
        String profile = "p-" + UUID.randomUUID();
        String email = "buyer-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(), Map.of());
        Mailbox.Mail mail = send(profile, email, template(), "orders", true);
        assertNull(mail.header("List-Unsubscribe"));
        assertNull(mail.header("List-Unsubscribe-Post"));
        assertNull(mail.header("Cc"), mail.headers().toString());
        assertTrue(mail.from().contains("@"), mail.from());

        given().post("/v1/unsubscribe/u1.Zm9yZ2Vk.bm90LWEtbWFj").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("path.token"));
        given().get("/v1/unsubscribe/whatever").then().statusCode(400).contentType("application/problem+json");
    }

    @SuppressWarnings("unchecked")
    private static String traitEmail(Map<String, Object> context) {
        return context != null && context.get("traits") instanceof Map<?, ?> traits ? (String) ((Map<String, Object>) traits).get("email")
                : null;
    }
}
