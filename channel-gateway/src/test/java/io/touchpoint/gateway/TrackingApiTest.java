package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static io.touchpoint.gateway.support.Gateway.basic;
import static io.touchpoint.gateway.support.Gateway.gzip;
import static io.touchpoint.gateway.support.Gateway.json;
import static io.touchpoint.gateway.support.Gateway.map;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.platform.time.AdjustableClock;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;
import io.touchpoint.gateway.support.InteractionLog.Published;

/**
 * The Segment-compatible tracking API on the real stack: what callers are answered and, above all,
 * what lands on {@code touchpoint.interactions.v1}.
 */
@QuarkusTest
class TrackingApiTest {

    private static final String SUCCESS = "{\"success\":true}";
    private static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.gateway.default-source.write-key")
    String writeKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/v1/batch")
    URI batchUri;
    @Inject
    AdjustableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private InteractionLog log() {
        return InteractionLog.of(bootstrap);
    }

    private Gateway gateway() {
        return new Gateway(new TestTokens(privateKey, issuer));
    }

    private static String id(String what) {
        return what + "-" + UUID.randomUUID();
    }

    private ValidatableResponse post(String path, Object body) {
        return given().header("Authorization", basic(writeKey)).contentType("application/json").body(json(body))
                .post(path).then();
    }

    private static void assertProblem(ValidatableResponse response, int status, String instance) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("about:blank"))
                .body("status", equalTo(status))
                .body("instance", equalTo(instance));
    }

    @Test
    void everyCallTypeIsPublishedKeyedByIdentityWithCloudEventHeaders() {
        String sourceId = gateway().sourceIdNamed("default");
        String anonymousId = id("anon");
        String userId = id("user");
        Map<String, Map<String, Object>> calls = new java.util.LinkedHashMap<>();
        calls.put("identify", map("messageId", id("identify"), "userId", userId, "anonymousId", anonymousId,
                "traits", map("email", "ada@example.com", "plan", "gold")));
        calls.put("track", map("messageId", id("track"), "userId", userId, "anonymousId", anonymousId,
                "event", "Bet Placed", "properties", map("stake", 12.5, "market", "football")));
        calls.put("page", map("messageId", id("page"), "anonymousId", anonymousId, "name", "Home",
                "category", "Landing", "properties", map("url", "https://shop.example/")));
        calls.put("screen", map("messageId", id("screen"), "anonymousId", anonymousId, "name", "Betslip",
                "category", "Sports"));
        calls.put("group", map("messageId", id("group"), "userId", userId, "groupId", "household-7",
                "traits", map("members", 3)));
        calls.put("alias", map("messageId", id("alias"), "userId", userId, "previousId", anonymousId));

        calls.forEach((type, body) -> post("/v1/" + type, body)
                .statusCode(200).contentType("application/json").body(equalTo(SUCCESS)));

        calls.forEach((type, body) -> {
            Published published = log().awaitOne((String) body.get("messageId"));
            Interaction i = published.interaction();
            String expectedKey = body.containsKey("anonymousId") ? anonymousId : userId;
            assertEquals(type, i.type());
            assertEquals(sourceId, i.sourceId());
            assertEquals(expectedKey, published.key());
            assertEquals(body.get("messageId"), published.cloudEvent().id());
            assertEquals(EventTypes.INTERACTION, published.cloudEvent().type());
            assertEquals(URI.create("/touchpoint/channel-gateway/sources/" + sourceId), published.cloudEvent().source());
            assertEquals(expectedKey, published.cloudEvent().subject());
            assertEquals(i.timestamp(), published.cloudEvent().time());
            assertEquals(CloudEventHeaders.JSON, published.contentType());
            assertEquals(body.get("userId"), i.userId());
            assertEquals(body.get("anonymousId"), i.anonymousId());
            assertEquals(body.get("event"), i.event());
            assertEquals(body.get("name"), i.name());
            assertEquals(body.get("category"), i.category());
            assertEquals(body.get("groupId"), i.groupId());
            assertEquals(body.get("previousId"), i.previousId());
            assertEquals(body.get("properties"), i.properties());
            assertEquals(body.get("traits"), i.traits());
            assertNotNull(i.receivedAt());
            assertEquals(i.receivedAt(), i.timestamp(), "without client clocks, it happened when it was received");
        });
        // Same device, same partition, in order: the anonymous id keys everything it took part in.
        assertEquals(1, calls.values().stream().filter(b -> b.containsKey("anonymousId"))
                .map(b -> log().awaitOne((String) b.get("messageId")).partition()).distinct().count());
    }

    @Test
    void theWriteKeyMayComeInTheBodyInsteadOfBasicAuth() {
        String messageId = id("body-key");
        given().contentType("application/json")
                .body(json(map("writeKey", writeKey, "messageId", messageId, "userId", "u-1", "event", "Signed Up")))
                .post("/v1/track")
                .then().statusCode(200).body(equalTo(SUCCESS));
        assertEquals("Signed Up", log().awaitOne(messageId).interaction().event());
    }

    @Test
    void batchAndImportPublishEveryMessage() {
        String first = id("b1");
        String second = id("b2");
        String imported = id("import");
        post("/v1/batch", map("batch", List.of(
                map("type", "identify", "messageId", first, "userId", "u-batch", "traits", map("tier", "vip")),
                map("type", "Track", "messageId", second, "userId", "u-batch", "event", "Deposit"))))
                .statusCode(200).body(equalTo(SUCCESS));
        post("/v1/import", map("batch", List.of(
                map("type", "page", "messageId", imported, "anonymousId", "a-import", "name", "Old page",
                        "timestamp", "2019-03-01T10:00:00.000Z"))))
                .statusCode(200).body(equalTo(SUCCESS));
        assertEquals("identify", log().awaitOne(first).interaction().type());
        assertEquals("track", log().awaitOne(second).interaction().type(), "types are matched case-insensitively");
        Interaction old = log().awaitOne(imported).interaction();
        assertEquals(Instant.parse("2019-03-01T10:00:00Z"), old.timestamp(), "historical imports keep their time");
    }

    @Test
    void gzipBodiesAreDecompressedEvenWhenChunked() throws Exception {
        String plain = id("gzip");
        given().header("Authorization", basic(writeKey)).header("Content-Encoding", "gzip")
                .contentType("application/json")
                .body(gzip(json(map("batch", List.of(map("type", "track", "messageId", plain, "userId", "u-gz",
                        "event", "Zipped"))))))
                .post("/v1/batch")
                .then().statusCode(200).body(equalTo(SUCCESS));

        String chunked = id("chunked");
        byte[] body = gzip(json(map("batch", List.of(map("type", "track", "messageId", chunked, "userId", "u-gz",
                "event", "Streamed")))));
        // An input-stream body has no known length, so the JDK client sends it chunked.
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(batchUri)
                .header("Authorization", basic(writeKey)).header("Content-Encoding", "gzip")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(SUCCESS, response.body());

        assertEquals("Zipped", log().awaitOne(plain).interaction().event());
        assertEquals("Streamed", log().awaitOne(chunked).interaction().event());
    }

    @Test
    void browsersMayPostTextPlainToTheShortPathsWithTheKeyInTheBody() {
        String messageId = id("beacon");
        String batched = id("beacon-batch");
        given().contentType("text/plain").header("Origin", "https://shop.example")
                .body(json(map("writeKey", writeKey, "type", "page", "messageId", messageId, "anonymousId", "a-web",
                        "name", "Checkout", "context", map("userAgent", "Mozilla/5.0",
                                "page", map("path", "/checkout", "url", "https://shop.example/checkout"),
                                "campaign", map("source", "newsletter", "medium", "email", "name", "spring")))))
                .post("/v1/p")
                .then().statusCode(200).body(equalTo(SUCCESS))
                .header("Access-Control-Allow-Origin", equalTo("https://shop.example"));
        given().contentType("text/plain")
                .body(json(map("writeKey", writeKey, "sentAt", Instant.now().toString(), "batch",
                        List.of(map("type", "track", "messageId", batched, "anonymousId", "a-web", "event", "Clicked")))))
                .post("/v1/b")
                .then().statusCode(200).body(equalTo(SUCCESS));

        Interaction page = log().awaitOne(messageId).interaction();
        assertEquals("Checkout", page.name());
        assertEquals(map("path", "/checkout", "url", "https://shop.example/checkout"), page.context().get("page"));
        assertEquals(map("source", "newsletter", "medium", "email", "name", "spring"), page.context().get("campaign"));
        assertEquals("Mozilla/5.0", page.context().get("userAgent"));
        assertEquals("Clicked", log().awaitOne(batched).interaction().event());
    }

    @Test
    void corsPreflightAllowsAnyOriginToPostWithAuthorizationAndContentType() {
        given().header("Origin", "https://any-shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/v1/track")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo("https://any-shop.example"))
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Allow-Headers", containsString("Content-Type"));
    }

    @Test
    void clientClockSkewIsCorrectedFromSentAt() {
        clock.freezeAt(NOW);
        // The device's clock is more than ten years behind; only the 5 s between reading and sending count.
        String both = id("skew-original");
        post("/v1/track", map("messageId", both, "userId", "u-skew", "event", "Tapped",
                "originalTimestamp", "2020-01-01T00:00:00Z", "timestamp", "2020-01-01T00:00:03Z",
                "sentAt", "2020-01-01T00:00:05Z")).statusCode(200);
        String timestampOnly = id("skew-timestamp");
        post("/v1/track", map("messageId", timestampOnly, "userId", "u-skew", "event", "Tapped",
                "timestamp", "2020-01-01T00:00:00.250+01:00", "sentAt", "2020-01-01T00:00:02+0100")).statusCode(200);
        String noSentAt = id("skew-none");
        post("/v1/track", map("messageId", noSentAt, "userId", "u-skew", "event", "Tapped",
                "timestamp", "2024-02-29T23:59:59.999Z")).statusCode(200);
        String noClock = id("skew-server");
        post("/v1/track", map("messageId", noClock, "userId", "u-skew", "event", "Tapped",
                "sentAt", "2020-01-01T00:00:05Z")).statusCode(200);

        Interaction corrected = log().awaitOne(both).interaction();
        assertEquals(NOW.minusSeconds(5), corrected.timestamp());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), corrected.originalTimestamp());
        assertEquals(Instant.parse("2020-01-01T00:00:05Z"), corrected.sentAt());
        assertEquals(NOW, corrected.receivedAt());

        Interaction fromTimestamp = log().awaitOne(timestampOnly).interaction();
        assertEquals(NOW.minusMillis(1750), fromTimestamp.timestamp());
        assertEquals(Instant.parse("2019-12-31T23:00:00.250Z"), fromTimestamp.originalTimestamp());

        Interaction trusted = log().awaitOne(noSentAt).interaction();
        assertEquals(Instant.parse("2024-02-29T23:59:59.999Z"), trusted.timestamp());
        assertNull(trusted.sentAt());

        Interaction received = log().awaitOne(noClock).interaction();
        assertEquals(NOW, received.timestamp());
        assertNull(received.originalTimestamp());
    }

    @Test
    void aBatchSentAtAppliesToEveryMessageOfTheBatch() {
        clock.freezeAt(NOW);
        String a = id("batch-skew-a");
        String b = id("batch-skew-b");
        post("/v1/batch", map("sentAt", "2020-06-01T08:01:00Z", "batch", List.of(
                map("type", "track", "messageId", a, "anonymousId", "a-b", "event", "One",
                        "originalTimestamp", "2020-06-01T08:00:00Z"),
                // A message's own sentAt is older than the request's: the request's is when it was really sent.
                map("type", "track", "messageId", b, "anonymousId", "a-b", "event", "Two",
                        "timestamp", "2020-06-01T08:00:30Z", "sentAt", "2020-06-01T08:00:31Z"))))
                .statusCode(200).body(equalTo(SUCCESS));
        Interaction first = log().awaitOne(a).interaction();
        Interaction second = log().awaitOne(b).interaction();
        assertEquals(NOW.minusSeconds(60), first.timestamp());
        assertEquals(NOW.minusSeconds(30), second.timestamp());
        assertEquals(Instant.parse("2020-06-01T08:01:00Z"), first.sentAt());
        assertEquals(Instant.parse("2020-06-01T08:01:00Z"), second.sentAt());
    }

    @Test
    void contextIpComesFromTheCallerWhenTheMessageHasNone() {
        String forwarded = id("ip-forwarded");
        String direct = id("ip-direct");
        String given = id("ip-given");
        given().header("Authorization", basic(writeKey)).header("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
                .contentType("application/json")
                .body(json(map("messageId", forwarded, "userId", "u-ip", "event", "E",
                        "context", map("library", map("name", "analytics-ios", "version", "4.1.8")))))
                .post("/v1/track").then().statusCode(200);
        post("/v1/track", map("messageId", direct, "userId", "u-ip", "event", "E")).statusCode(200);
        post("/v1/batch", map("context", map("ip", "198.51.100.1", "locale", "de-CH"), "integrations", map("All", true),
                "batch", List.of(map("type", "track", "messageId", given, "userId", "u-ip", "event", "E",
                        "context", map("locale", "fr-CH"), "integrations", map("Mixpanel", false)))))
                .statusCode(200);

        Interaction viaProxy = log().awaitOne(forwarded).interaction();
        assertEquals("203.0.113.7", viaProxy.context().get("ip"));
        assertEquals(map("name", "analytics-ios", "version", "4.1.8"), viaProxy.context().get("library"));
        assertTrue(isLoopback(log().awaitOne(direct).interaction().context().get("ip")), "the test calls from this host");
        Interaction merged = log().awaitOne(given).interaction();
        assertEquals("198.51.100.1", merged.context().get("ip"));
        assertEquals("fr-CH", merged.context().get("locale"), "the message's context wins over the batch's");
        assertEquals(map("All", true, "Mixpanel", false), merged.integrations());
    }

    static boolean isLoopback(Object ip) {
        try {
            return ip instanceof String text && java.net.InetAddress.getByName(text).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Test
    void aMissingMessageIdIsGenerated() {
        String userId = id("no-message-id");
        post("/v1/track", map("userId", userId, "event", "Anonymous Call")).statusCode(200).body(equalTo(SUCCESS));
        Published published = log().awaitMatching(i -> userId.equals(i.userId()), 1).get(0);
        assertEquals(published.cloudEvent().id(), published.interaction().messageId());
        assertEquals(published.interaction().messageId(), UUID.fromString(published.interaction().messageId()).toString());
    }

    @Test
    void aRepeatedMessageIsAcceptedButPublishedOncePerSource() {
        String anonymousId = id("dup-device");
        String messageId = id("dup");
        Map<String, Object> message = map("messageId", messageId, "anonymousId", anonymousId, "event", "Retried");
        post("/v1/track", message).statusCode(200).body(equalTo(SUCCESS));
        log().awaitOne(messageId);
        post("/v1/track", message).statusCode(200).body(equalTo(SUCCESS));
        Map<String, Object> typed = new java.util.LinkedHashMap<>(message);
        typed.put("type", "track");
        post("/v1/batch", map("batch", List.of(typed, typed))).statusCode(200).body(equalTo(SUCCESS));
        // Another source may use the same id for its own message.
        Gateway.CreatedSource other = gateway().createSource("dedupe-other-" + UUID.randomUUID());
        given().header("Authorization", basic(other.writeKey())).contentType("application/json").body(json(message))
                .post("/v1/track").then().statusCode(200);

        // The same key puts a later message on the same partition: once it is there, any duplicate would be too.
        String sentinel = id("dup-sentinel");
        post("/v1/track", map("messageId", sentinel, "anonymousId", anonymousId, "event", "Sentinel")).statusCode(200);
        log().awaitOne(sentinel);
        log().awaitMatching(i -> messageId.equals(i.messageId()) && other.id().equals(i.sourceId()), 1);
        List<Published> copies = log().withMessageId(messageId);
        assertEquals(2, copies.size(), "once for each source");
        assertEquals(2, copies.stream().map(p -> p.interaction().sourceId()).distinct().count());
    }

    @Test
    void malformedJsonIsAProblem() {
        assertProblem(given().header("Authorization", basic(writeKey)).contentType("application/json")
                .body("{\"userId\": \"u-1\", \"event\": ").post("/v1/track").then(), 400, "/v1/track");
        given().header("Authorization", basic(writeKey)).contentType("application/json")
                .body("{\"userId\": \"u-1\", \"event\": ").post("/v1/track")
                .then().body("title", equalTo("Bad Request"))
                .body("detail", startsWith("The body is not valid JSON at line 1, column"));
        assertProblem(given().header("Authorization", basic(writeKey)).contentType("application/json")
                .body("[{\"userId\": \"u-1\"}]").post("/v1/identify").then(), 400, "/v1/identify");
        given().header("Authorization", basic(writeKey)).post("/v1/identify")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("The body is empty; a JSON object is expected."));
        // Without a header key the body must be read to find one, so a bad body is a 400, not a 401.
        assertProblem(given().contentType("text/plain").body("not json").post("/v1/t").then(), 400, "/v1/t");
    }

    @Test
    void messagesWithoutIdentityOrEventAreProblemsNamingTheField() {
        String messageId = id("no-identity");
        assertProblem(post("/v1/track", map("messageId", messageId, "event", "Orphan")), 400, "/v1/track");
        post("/v1/track", map("messageId", messageId, "event", "Orphan"))
                .body("detail", equalTo("The message is not valid; it was not accepted."))
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("userId"))
                .body("errors[0].message", equalTo("userId or anonymousId is required (messageId " + messageId + ")"))
                .body("accepted", nullValue());
        post("/v1/track", map("userId", "u-1"))
                .statusCode(400)
                .body("errors.field", contains("event"))
                .body("errors[0].message", equalTo("event is required for a track call"));
        post("/v1/alias", map("userId", "u-1", "anonymousId", "a-1"))
                .statusCode(400)
                .body("errors.field", contains("previousId"));
        post("/v1/group", map("userId", "u-1", "traits", "not an object", "timestamp", "yesterday"))
                .statusCode(400)
                .body("errors.field", contains("groupId", "timestamp", "traits"));
        assertTrue(log().withMessageId(messageId).isEmpty());
    }

    @Test
    void aBatchAcceptsItsValidMessagesAndListsWhatItRejected() {
        String anonymousId = id("mixed-device");
        String good1 = id("mixed-good-1");
        String noIdentity = id("mixed-no-identity");
        String good2 = id("mixed-good-2");
        String noEvent = id("mixed-no-event");
        String unknownType = id("mixed-unknown");
        String noType = id("mixed-no-type");
        List<Object> batch = List.of(
                map("type", "track", "messageId", good1, "anonymousId", anonymousId, "event", "Good"),
                map("type", "identify", "messageId", noIdentity, "traits", map("a", 1)),
                map("type", "page", "messageId", good2, "anonymousId", anonymousId, "name", "Fine"),
                map("type", "track", "messageId", noEvent, "anonymousId", anonymousId),
                map("type", "purchase", "messageId", unknownType, "anonymousId", anonymousId),
                map("messageId", noType, "anonymousId", anonymousId),
                "not a message");
        assertProblem(post("/v1/batch", map("batch", batch)), 400, "/v1/batch");
        post("/v1/batch", map("batch", batch))
                .body("title", equalTo("Bad Request"))
                .body("detail", equalTo("2 of 7 messages were accepted; 5 were rejected (see errors) and must be "
                        + "fixed and sent again."))
                .body("accepted", equalTo(2))
                .body("acceptedMessageIds", contains(good1, good2))
                .body("rejected", equalTo(5))
                .body("errors.field", contains("batch[1].userId", "batch[3].event", "batch[4].type", "batch[5].type",
                        "batch[6]"))
                .body("errors[0].message", equalTo("userId or anonymousId is required (messageId " + noIdentity + ")"))
                .body("errors[2].message", equalTo("type 'purchase' is not one of identify, track, page, screen, "
                        + "group, alias (messageId " + unknownType + ")"))
                .body("errors[3].message", startsWith("type is required"))
                .body("errors[4].message", equalTo("a message must be a JSON object"));

        String sentinel = id("mixed-sentinel");
        post("/v1/track", map("messageId", sentinel, "anonymousId", anonymousId, "event", "Sentinel")).statusCode(200);
        log().awaitOne(sentinel);
        assertEquals("Good", log().awaitOne(good1).interaction().event());
        assertEquals("Fine", log().awaitOne(good2).interaction().name());
        for (String rejected : List.of(noIdentity, noEvent, unknownType, noType)) {
            assertTrue(log().withMessageId(rejected).isEmpty(), rejected + " must not be published");
        }
    }

    @Test
    void aBatchEnvelopeThatIsNotABatchIsRejectedWhole() {
        assertProblem(post("/v1/batch", map("messages", List.of())), 400, "/v1/batch");
        post("/v1/batch", map("batch", map("type", "track"), "sentAt", "soon", "context", List.of()))
                .statusCode(400)
                .body("errors.field", contains("batch", "sentAt", "context"))
                .body("accepted", nullValue());
    }

    @Test
    void missingAndUnknownWriteKeysAre401WithABasicChallenge() {
        assertProblem(given().contentType("application/json").body(json(map("userId", "u-1", "event", "E")))
                .post("/v1/track").then(), 401, "/v1/track");
        given().contentType("application/json").body(json(map("userId", "u-1", "event", "E"))).post("/v1/track")
                .then().header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("title", equalTo("Unauthorized"))
                .body("detail", startsWith("A write key is required"));
        given().header("Authorization", basic("tpk_nobody-has-this-key")).contentType("application/json")
                .body(json(map("userId", "u-1", "event", "E"))).post("/v1/track")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("detail", equalTo("The write key is not valid."));
        given().contentType("application/json")
                .body(json(map("writeKey", "tpk_nobody-has-this-key", "batch", List.of()))).post("/v1/batch")
                .then().statusCode(401).body("detail", equalTo("The write key is not valid."));
        given().header("Authorization", "Basic !!!").contentType("application/json").body("{}").post("/v1/track")
                .then().statusCode(401).body("detail", equalTo("The Authorization header is not valid HTTP Basic credentials."));
    }

    @Test
    void aMessageOver32KbIsRejectedAndABodyOver500KbIs413() {
        String messageId = id("big");
        String blob = "x".repeat(33 * 1024);
        post("/v1/track", map("messageId", messageId, "userId", "u-big", "event", "Big", "properties", map("blob", blob)))
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("body"))
                .body("errors[0].message", matchesPattern("the message is 33\\d{3} bytes of JSON; the limit is 32768 "
                        + "\\(messageId " + messageId + "\\)"));

        String smallId = id("small-next-to-big");
        post("/v1/batch", map("batch", List.of(
                map("type", "track", "messageId", smallId, "userId", "u-big", "event", "Small"),
                map("type", "track", "messageId", messageId, "userId", "u-big", "event", "Big", "properties",
                        map("blob", blob)))))
                .statusCode(400)
                .body("acceptedMessageIds", contains(smallId))
                .body("errors.field", contains("batch[1]"));
        assertEquals("Small", log().awaitOne(smallId).interaction().event());

        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(map("type", "track", "userId", "u-big", "event", "Chunk", "properties", map("blob",
                    "y".repeat(26 * 1024))));
        }
        assertProblem(post("/v1/batch", map("batch", many)), 413, "/v1/batch");
        post("/v1/batch", map("batch", many))
                .body("title", equalTo("Content Too Large"))
                .body("detail", containsString("the limit is 512000 bytes"));

        // Compressed it is tiny; the limit is on the JSON, and inflating stops there.
        byte[] bomb = gzip("{\"batch\": [], \"padding\": \"" + " ".repeat(2 * 1024 * 1024) + "\"}");
        assertTrue(bomb.length < 10 * 1024);
        given().header("Authorization", basic(writeKey)).header("Content-Encoding", "gzip").body(bomb)
                .post("/v1/batch")
                .then().statusCode(413).contentType("application/problem+json")
                .body("detail", startsWith("The body decompresses to more than 512000 bytes"));
    }

    @Test
    void unsupportedEncodingsAndBrokenGzipAreProblems() {
        given().header("Authorization", basic(writeKey)).header("Content-Encoding", "br").body("{}").post("/v1/track")
                .then().statusCode(415).contentType("application/problem+json")
                .body("detail", equalTo("Content-Encoding br is not supported; send gzip, deflate or no encoding."));
        given().header("Authorization", basic(writeKey)).header("Content-Encoding", "gzip").body("{\"not\":\"gzip\"}")
                .post("/v1/track")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("The body is not valid gzip"));
    }
}
