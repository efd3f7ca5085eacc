package io.touchpoint.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;

/**
 * The official Segment and RudderStack Java SDKs, unchanged, pointed at the gateway: only the host
 * and the write key differ from a real Segment or RudderStack setup. Segment's posts to
 * /v1/import/ with the key in the body; RudderStack's posts gzip to /v1/batch with Basic auth.
 */
@QuarkusTest
class JavaSdkCompatibilityTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URL root;

    private String baseUrl() {
        String url = root.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private Gateway.CreatedSource source(String name) {
        return new Gateway(new TestTokens(privateKey, issuer)).createSource(name + " " + UUID.randomUUID());
    }

    @Test
    void segmentAnalyticsJava() {
        Gateway.CreatedSource source = source("Segment Java SDK");
        String run = UUID.randomUUID().toString();
        String userId = "segment-java-" + run;
        List<String> delivered = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        var analytics = com.segment.analytics.Analytics.builder(source.writeKey())
                .endpoint(baseUrl())
                .flushInterval(1, TimeUnit.SECONDS)
                .callback(new com.segment.analytics.Callback() {
                    @Override
                    public void success(com.segment.analytics.messages.Message message) {
                        delivered.add(message.messageId());
                    }

                    @Override
                    public void failure(com.segment.analytics.messages.Message message, Throwable throwable) {
                        failures.add(throwable);
                    }
                })
                .build();
        try {
            analytics.enqueue(com.segment.analytics.messages.IdentifyMessage.builder()
                    .messageId(run + "-identify").userId(userId)
                    .traits(Map.of("email", "ada@example.com", "vip", true)));
            analytics.enqueue(com.segment.analytics.messages.TrackMessage.builder("Bet Placed")
                    .messageId(run + "-track").userId(userId).properties(Map.of("stake", 12.5, "market", "football")));
            analytics.enqueue(com.segment.analytics.messages.PageMessage.builder("Home")
                    .messageId(run + "-page").userId(userId).properties(Map.of("path", "/")));
            analytics.enqueue(com.segment.analytics.messages.ScreenMessage.builder("Betslip")
                    .messageId(run + "-screen").anonymousId("device-" + run));
            analytics.enqueue(com.segment.analytics.messages.GroupMessage.builder("household-" + run)
                    .messageId(run + "-group").userId(userId).traits(Map.of("members", 3)));
            analytics.enqueue(com.segment.analytics.messages.AliasMessage.builder("device-" + run)
                    .messageId(run + "-alias").userId(userId));
            analytics.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 6 || !failures.isEmpty());
            assertTrue(failures.isEmpty(), () -> "the SDK reported failures: " + failures);
        } finally {
            analytics.shutdown();
        }

        assertLanded(source.id(), run, userId, "analytics-java");
    }

    @Test
    void rudderstackJavaSdk() {
        Gateway.CreatedSource source = source("RudderStack Java SDK");
        String run = UUID.randomUUID().toString();
        String userId = "rudder-java-" + run;
        List<String> delivered = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        var analytics = com.rudderstack.sdk.java.analytics.RudderAnalytics.builder(source.writeKey())
                .setDataPlaneUrl(baseUrl())
                .setGZIP(true)
                .flushInterval(1, TimeUnit.SECONDS)
                .callback(new com.rudderstack.sdk.java.analytics.Callback() {
                    @Override
                    public void success(com.rudderstack.sdk.java.analytics.messages.Message message) {
                        delivered.add(message.messageId());
                    }

                    @Override
                    public void failure(com.rudderstack.sdk.java.analytics.messages.Message message,
                            Throwable throwable) {
                        failures.add(throwable);
                    }
                })
                .build();
        try {
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.IdentifyMessage.builder()
                    .messageId(run + "-identify").userId(userId)
                    .traits(Map.of("email", "ada@example.com", "vip", true)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.TrackMessage.builder("Bet Placed")
                    .messageId(run + "-track").userId(userId).properties(Map.of("stake", 12.5, "market", "football")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.PageMessage.builder("Home")
                    .messageId(run + "-page").userId(userId).properties(Map.of("path", "/")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.ScreenMessage.builder("Betslip")
                    .messageId(run + "-screen").anonymousId("device-" + run));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.GroupMessage.builder("household-" + run)
                    .messageId(run + "-group").userId(userId).traits(Map.of("members", 3)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.AliasMessage.builder("device-" + run)
                    .messageId(run + "-alias").userId(userId));
            analytics.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 6 || !failures.isEmpty());
            assertTrue(failures.isEmpty(), () -> "the SDK reported failures: " + failures);
        } finally {
            analytics.shutdown();
        }

        assertLanded(source.id(), run, userId, "analytics-java");
    }

    private void assertLanded(String sourceId, String run, String userId, String library) {
        InteractionLog log = InteractionLog.of(bootstrap);
        Interaction identify = log.awaitOne(run + "-identify").interaction();
        assertEquals("identify", identify.type());
        assertEquals(sourceId, identify.sourceId());
        assertEquals(userId, identify.userId());
        assertEquals(Map.of("email", "ada@example.com", "vip", true), identify.traits());
        assertTrue(TrackingApiTest.isLoopback(identify.context().get("ip")), "filled from the caller's address");
        @SuppressWarnings("unchecked")
        Map<String, Object> lib = (Map<String, Object>) identify.context().get("library");
        assertNotNull(lib, "the SDK names itself in context.library");
        assertEquals(library, lib.get("name"));
        assertNotNull(identify.sentAt(), "the SDK says when it sent the batch");
        assertNotNull(identify.originalTimestamp(), "the SDK stamps each message");

        Interaction track = log.awaitOne(run + "-track").interaction();
        assertEquals("track", track.type());
        assertEquals("Bet Placed", track.event());
        assertEquals(Map.of("stake", 12.5, "market", "football"), track.properties());

        Interaction page = log.awaitOne(run + "-page").interaction();
        assertEquals("page", page.type());
        assertEquals("Home", page.name());

        Interaction screen = log.awaitOne(run + "-screen").interaction();
        assertEquals("screen", screen.type());
        assertEquals("Betslip", screen.name());
        assertEquals("device-" + run, screen.anonymousId());

        Interaction group = log.awaitOne(run + "-group").interaction();
        assertEquals("group", group.type());
        assertEquals("household-" + run, group.groupId());
        assertEquals(Map.of("members", 3), group.traits());

        Interaction alias = log.awaitOne(run + "-alias").interaction();
        assertEquals("alias", alias.type());
        assertEquals("device-" + run, alias.previousId());
        assertEquals(userId, alias.userId());
    }
}
