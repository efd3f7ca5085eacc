package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static io.touchpoint.gateway.support.Gateway.basic;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.touchpoint.gateway.support.InteractionLog;

/**
 * On the real stack: a tracked message holding NUL or an unpaired surrogate (as the JSON escapes
 * {@code \u0000}, {@code \ud800}) is answered 400 problem+json naming the field, and nothing of the
 * refused message reaches {@code touchpoint.interactions.v1}, where profile-service could only have
 * dead-lettered it. The bodies are written by hand: a JSON library would not write a lone surrogate.
 */
@QuarkusTest
class UnstorableTextTrackingTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.gateway.default-source.write-key")
    String writeKey;

    private InteractionLog log() {
        return InteractionLog.of(bootstrap);
    }

    private static String id(String what) {
        return what + "-" + UUID.randomUUID();
    }

    private ValidatableResponse post(String path, String json) {
        return given().header("Authorization", basic(writeKey)).contentType("application/json").body(json)
                .post(path).then();
    }

    /**
     * A later message with the same key lands on the same partition after anything the refused
     * call could have published: once it is there, the refused one would be too.
     */
    private void assertNothingPublished(String anonymousId, String... messageIds) {
        String sentinel = id("sentinel");
        post("/v1/track", "{\"messageId\": \"" + sentinel + "\", \"anonymousId\": \"" + anonymousId
                + "\", \"event\": \"Sentinel\"}").statusCode(200);
        log().awaitOne(sentinel);
        for (String messageId : messageIds) {
            assertTrue(log().withMessageId(messageId).isEmpty(), messageId + " must not be published");
        }
        assertEquals(1, log().matching(i -> anonymousId.equals(i.anonymousId())).size(), "only the sentinel");
    }

    @Test
    void aNulInAPropertyIs400NamingItsPathAndNothingIsPublished() {
        String device = id("nul-device");
        String messageId = id("nul");
        post("/v1/track", "{\"messageId\": \"" + messageId + "\", \"anonymousId\": \"" + device + "\", "
                + "\"event\": \"Order Completed\", \"properties\": {\"total\": 12.5, "
                + "\"items\": [{\"sku\": \"A-1\"}, {\"sku\": \"B\\u0000-2\"}]}}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("about:blank"))
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"))
                .body("instance", equalTo("/v1/track"))
                .body("detail", equalTo("The message is not valid; it was not accepted."))
                .body("errors.field", contains("properties.items[1].sku"))
                .body("errors[0].message", equalTo("properties.items[1].sku contains U+0000 (NUL), which cannot be "
                        + "stored; send text without it (messageId " + messageId + ")"))
                .body("accepted", nullValue());
        assertNothingPublished(device, messageId);
    }

    @Test
    void aLoneSurrogateInATraitOrAnIdIs400NamingItsPathAndNothingIsPublished() {
        String device = id("surrogate-device");
        String identify = id("surrogate-identify");
        String track = id("surrogate-track");
        post("/v1/identify", "{\"messageId\": \"" + identify + "\", \"anonymousId\": \"" + device + "\", "
                + "\"userId\": \"u-\\ud800\", \"traits\": {\"name\": \"Ada \\ud83d\\ude00\", \"nick\": \"\\udc00\"}}")
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("userId", "traits.nick"))
                .body("errors[1].message", equalTo("traits.nick contains an unpaired UTF-16 surrogate (U+DC00), which "
                        + "cannot be stored; send text without it (messageId " + identify + ")"));
        post("/v1/t", "{\"writeKey\": \"" + writeKey + "\", \"messageId\": \"" + track + "\", \"anonymousId\": \""
                + device + "\", \"event\": \"Tapped \\ud800\", \"context\": {\"locale\": \"de\\u0000CH\"}}")
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("event", "context.locale"));
        assertNothingPublished(device, identify, track);
    }

    @Test
    void inABatchTheGoodMessagesArePublishedAndTheOthersListed() {
        String device = id("batch-device");
        String good = id("good");
        String bad = id("bad");
        post("/v1/batch", "{\"batch\": ["
                + "{\"type\": \"track\", \"messageId\": \"" + good + "\", \"anonymousId\": \"" + device + "\", "
                + "\"event\": \"Fine \\ud83d\\ude00\"},"
                + "{\"type\": \"page\", \"messageId\": \"" + bad + "\", \"anonymousId\": \"" + device + "\", "
                + "\"name\": \"Home\", \"properties\": {\"path\": \"/\", \"odd key\\u0000\": [\"x\"]}}]}")
                .statusCode(400).contentType("application/problem+json")
                .body("accepted", equalTo(1))
                .body("acceptedMessageIds", contains(good))
                .body("rejected", equalTo(1))
                .body("errors.field", contains("batch[1].properties[\"odd key\\u0000\"]"));
        assertEquals("Fine \uD83D\uDE00", log().awaitOne(good).interaction().event());
        String sentinel = id("sentinel");
        post("/v1/track", "{\"messageId\": \"" + sentinel + "\", \"anonymousId\": \"" + device
                + "\", \"event\": \"Sentinel\"}").statusCode(200);
        log().awaitOne(sentinel);
        assertTrue(log().withMessageId(bad).isEmpty());
    }

    @Test
    void aBatchEnvelopeHoldingSuchTextIsRefusedWhole() {
        String device = id("envelope-device");
        String messageId = id("envelope");
        post("/v1/import", "{\"context\": {\"app\": {\"name\": \"\\u0000\"}}, \"batch\": [{\"type\": \"track\", "
                + "\"messageId\": \"" + messageId + "\", \"anonymousId\": \"" + device + "\", \"event\": \"E\"}]}")
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("The batch envelope is not valid; no message was accepted."))
                .body("errors.field", contains("context.app.name"))
                .body("accepted", nullValue());
        assertNothingPublished(device, messageId);
    }

    @Test
    void theOverlongUtf8FormOfNulIsRefusedToo() {
        // Jackson decodes C0 80 as NUL: the check is on the decoded text, so it is caught like the escape.
        String device = id("overlong-device");
        String messageId = id("overlong");
        byte[] body = ("{\"messageId\": \"" + messageId + "\", \"anonymousId\": \"" + device + "\", \"event\": \"E\", "
                + "\"properties\": {\"note\": \"a#b\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = new String(body, java.nio.charset.StandardCharsets.UTF_8).indexOf('#');
        byte[] overlong = new byte[body.length + 1];
        System.arraycopy(body, 0, overlong, 0, at);
        overlong[at] = (byte) 0xC0;
        overlong[at + 1] = (byte) 0x80;
        System.arraycopy(body, at + 1, overlong, at + 2, body.length - at - 1);
        given().header("Authorization", basic(writeKey)).contentType("application/json").body(overlong).post("/v1/track")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("properties.note"));
        assertNothingPublished(device, messageId);
    }

    @Test
    void storableUnicodeStillGoesThroughUnchanged() {
        String messageId = id("unicode");
        post("/v1/track", "{\"messageId\": \"" + messageId + "\", \"userId\": \"\\u00e9l\\u00e8ve\", "
                + "\"event\": \"\\u4e0b\\u5355\", \"properties\": {\"\\ud83c\\udf89\": \"\\ud83d\\ude00\", "
                + "\"control\": \"tab\\tbell\\u0007\"}}")
                .statusCode(200).body(equalTo("{\"success\":true}"));
        var published = log().awaitOne(messageId).interaction();
        assertEquals("élève", published.userId());
        assertEquals("下单", published.event());
        assertEquals(Map.of("\uD83C\uDF89", "\uD83D\uDE00", "control", "tab\tbell\u0007"), published.properties());
    }
}
