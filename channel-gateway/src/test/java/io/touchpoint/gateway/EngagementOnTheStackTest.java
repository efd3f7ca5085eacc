package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.support.DeliveryFixtures;
import io.touchpoint.gateway.support.DeliveryStackTest;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.touchpoint.gateway.support.Mailbox;
import io.touchpoint.platform.time.AdjustableClock;

/**
 * Opens and clicks on the real stack: the mail read over IMAP has its web links through the signed
 * redirect and an open pixel, the unsubscribe link untouched; a person's open and click are OPENED
 * and CLICKED events, a privacy proxy's open and a scanner's HEAD are flagged machine; the redirect
 * leads exactly where the template linked; a forged token is a problem, never a redirect.
 */
@QuarkusTest
class EngagementOnTheStackTest extends DeliveryStackTest {

    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    private static final Pattern TRACKED = Pattern.compile("\"https?://[^/\"]+(/v1/email/(open|click)/[A-Za-z0-9._-]+)\"");

    @Inject
    AdjustableClock adjustable;

    private String template() {
        String marketer = bearer("marketer");
        String key = "sale-" + UUID.randomUUID();
        given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(Map.of("name", "Sale",
                "defaultLocale", "en", "locales", Map.of("en", Map.of("email", Map.of("subject", "Sale",
                        "html", "<html><body><p><a href=\"https://shop.example/sale?a=1&amp;b=2\">Sale</a></p>"
                                + "<p><a href=\"mailto:help@shop.example\">Help</a></p>"
                                + "<p><a href=\"{{ unsubscribeUrl }}\">Unsubscribe</a></p></body></html>"))))))
                .put("/v1/templates/{key}", key).then().statusCode(201);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200);
        return key;
    }

    @Test
    void opensAndClicksComeBackAsDeliveryEventsAndMachinesAreFlagged() {
        String profile = "p-" + UUID.randomUUID();
        String email = "clicker-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(DeliveryFixtures.granted("email", "*")), Map.of());
        MessageRequested request = fixtures.request(profile, "j-sale", template(), "offers", false, clock.instant());
        fixtures.publish(request);
        DeliveryEvent sent = fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> !mailbox.read(email).isEmpty());
        Mailbox.Mail mail = mailbox.read(email).get(0);

        List<String> opens = new ArrayList<>();
        List<String> clicks = new ArrayList<>();
        Matcher tracked = TRACKED.matcher(mail.html());
        while (tracked.find()) {
            (tracked.group(2).equals("open") ? opens : clicks).add(tracked.group(1));
        }
        assertEquals(1, opens.size(), mail.html());
        assertEquals(1, clicks.size(), "only the web link is tracked: " + mail.html());
        assertTrue(mail.html().contains("href=\"mailto:help@shop.example\""), mail.html());
        assertTrue(mail.html().contains("/v1/unsubscribe/"), "the unsubscribe link is the one List-Unsubscribe names");
        assertTrue(mail.header("List-Unsubscribe").contains(unsubscribePath(mail.html())));

        // A person reads it a minute later; Apple's privacy proxy fetched the pixel too.
        adjustable.advance(Duration.ofMinutes(1));
        byte[] gif = given().header("User-Agent", IPHONE).get(opens.get(0)).then().statusCode(200).contentType("image/gif")
                .header("Cache-Control", "no-store, max-age=0").extract().asByteArray();
        assertArrayEquals(new byte[] {'G', 'I', 'F', '8', '9', 'a'}, java.util.Arrays.copyOf(gif, 6));
        given().header("User-Agent", "Mozilla/5.0").get(opens.get(0)).then().statusCode(200);
        given().redirects().follow(false).header("User-Agent", IPHONE).get(clicks.get(0)).then().statusCode(302)
                .header("Location", "https://shop.example/sale?a=1&b=2");
        given().redirects().follow(false).header("User-Agent", IPHONE).head(clicks.get(0)).then().statusCode(302)
                .header("Location", "https://shop.example/sale?a=1&b=2");

        var engaged = fixtures.deliveryEvents().await(e -> e.deliveryId().equals(sent.deliveryId())
                && (e.status() == DeliveryEvent.Status.OPENED || e.status() == DeliveryEvent.Status.CLICKED), 4);
        List<String> seen = engaged.stream().map(p -> p.event().status() + ":" + p.event().reason()).sorted().toList();
        assertEquals(List.of("CLICKED:machine", "CLICKED:null", "OPENED:machine", "OPENED:null"), seen);
        engaged.forEach(p -> {
            assertEquals(profile, p.key());
            assertEquals(request.requestId(), p.event().requestId());
            assertEquals("j-sale", p.event().journeyId());
            assertEquals("email", p.event().channel());
            if (p.event().status() == DeliveryEvent.Status.CLICKED) {
                assertEquals("https://shop.example/sale?a=1&b=2", p.event().detail());
            }
        });
        DeliveryEvent humanOpen = engaged.stream().map(p -> p.event())
                .filter(e -> e.status() == DeliveryEvent.Status.OPENED && e.reason() == null).findFirst().orElseThrow();
        assertEquals(IPHONE, humanOpen.detail());

        // The profile learns of each too: a track event addressed to it by id, from the gateway's source.
        var learned = InteractionLog.of(bootstrap).awaitMatching(i -> i.properties() != null
                && sent.deliveryId().equals(i.properties().get("deliveryId")), 4);
        assertEquals(4, learned.size());
        assertEquals(List.of("Email Clicked:false", "Email Clicked:true", "Email Opened:false", "Email Opened:true"),
                learned.stream().map(p -> p.interaction().event() + ":" + p.interaction().properties().get("machine")).sorted()
                        .toList());
        learned.forEach(p -> {
            Interaction i = p.interaction();
            assertEquals(profile, p.key());
            assertEquals(Interaction.GATEWAY_SOURCE, i.sourceId());
            assertEquals(Interaction.TRACK, i.type());
            assertEquals(Map.of("profileId", profile), i.context().get("touchpoint"));
            assertEquals("j-sale", i.properties().get("journeyId"));
            assertNull(i.userId());
            assertNull(i.anonymousId());
            if (i.event().equals("Email Clicked")) {
                assertEquals("https://shop.example/sale?a=1&b=2", i.properties().get("url"));
            }
            assertFalse(i.timestamp().isBefore(sent.at()), "on the gateway's clock, after the send");
        });
        assertEquals(4, learned.stream().map(p -> p.interaction().messageId()).distinct().count(),
                "every fetch is its own interaction");
    }

    @Test
    void aForgedOrForeignTokenIsAProblemNeverARedirect() {
        given().redirects().follow(false).get("/v1/email/click/e1.Zm9yZ2Vk.bm90LWEtbWFj").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("path.token"));
        given().get("/v1/email/open/u1.Zm9yZ2Vk.bm90LWEtbWFj").then().statusCode(400).contentType("application/problem+json");
        given().redirects().follow(false).get("/v1/email/click/" + "x".repeat(4050)).then().statusCode(400);
    }

    @Test
    void transactionalMailGoesThroughItsOwnPoolAndIsTrackedToo() {
        String profile = "p-" + UUID.randomUUID();
        String email = "buyer-" + UUID.randomUUID() + "@example.com";
        fixtures.recipient(profile, email, List.of(), Map.of());
        MessageRequested request = fixtures.request(profile, "j-order", template(), "orders", true, clock.instant());
        fixtures.publish(request);
        fixtures.await(request.requestId(), DeliveryEvent.Status.SENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> !mailbox.read(email).isEmpty());
        Mailbox.Mail mail = mailbox.read(email).get(0);
        assertNull(mail.header("List-Unsubscribe"));
        assertTrue(mail.html().contains("/v1/email/open/"), mail.html());
        assertFalse(mail.html().contains("href=\"https://shop.example/"), mail.html());
    }

    private static String unsubscribePath(String html) {
        Matcher m = Pattern.compile("(/v1/unsubscribe/[A-Za-z0-9._-]+)").matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }
}
