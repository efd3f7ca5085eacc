package io.touchpoint.devstack.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileErasureRequested;

/**
 * What every Touchpoint service does the same way, checked on the real stack: it obeys erasure
 * events from the broker exactly once (a row through PostgreSQL), it puts JWT roles in front of its
 * management API and answers failures as problem+json, and its readiness covers Kafka, PostgreSQL and,
 * only where the service uses it, Redis. A service's test extends this with {@code @QuarkusTest} and its {@link TouchpointTestResource}.
 */
public abstract class ServiceFoundationContract {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestEvents events;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    @AfterAll
    static void closeProducer() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    protected TestEvents events() {
        if (events == null) {
            events = new TestEvents(bootstrap);
        }
        return events;
    }

    protected TestTokens tokens() {
        return new TestTokens(privateKey, issuer);
    }

    @Test
    void anErasureEventFromTheBrokerIsObeyedOnceEvenWhenRedelivered() throws Exception {
        String erasureId = UUID.randomUUID().toString();
        String profileId = "p-" + UUID.randomUUID();
        Instant requestedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var erasure = new ProfileErasureRequested(erasureId, profileId, List.of(), requestedAt);
        String eventId = events().publish(Topic.ERASURES, profileId, EventTypes.PROFILE_ERASURE_REQUESTED, erasure);
        events().publish(Topic.ERASURES, profileId, EventTypes.PROFILE_ERASURE_REQUESTED, erasure, eventId);

        await().atMost(WAIT).untilAsserted(() -> given()
                .header("Authorization", tokens().bearer("admin"))
                .get("/v1/erasure-receipts/{id}", erasureId)
                .then().statusCode(200)
                .body("erasureId", equalTo(erasureId))
                .body("requestedAt", equalTo(requestedAt.toString())));

        // A later event on the same partition proves the redelivery was consumed, not just pending.
        String laterId = UUID.randomUUID().toString();
        events().publish(Topic.ERASURES, profileId, EventTypes.PROFILE_ERASURE_REQUESTED,
                new ProfileErasureRequested(laterId, profileId, List.of(), requestedAt));
        await().atMost(WAIT).until(() -> receipts(laterId) == 1);
        assertEquals(1, receipts(erasureId));
    }

    @Test
    void managementApisRequireABearerToken() {
        given().get("/v1/erasure-receipts/x")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401))
                .body("title", equalTo("Unauthorized"))
                .body("instance", equalTo("/v1/erasure-receipts/x"));
        given().header("Authorization", "Bearer not.a.jwt").get("/v1/erasure-receipts/x")
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        given().header("Authorization", tokens().expiredBearer("admin")).get("/v1/erasure-receipts/x")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void managementApisRefuseTheWrongRole() {
        given().header("Authorization", tokens().bearer("analyst")).get("/v1/erasure-receipts/x")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("title", equalTo("Forbidden"));
    }

    @Test
    void unknownThingsAreProblemsToo() {
        given().header("Authorization", tokens().bearer("admin")).get("/v1/erasure-receipts/{id}", "nope")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No erasure nope was received."));
    }

    /** Whether the service uses Redis: only then may a Redis outage take it out of service. */
    protected boolean usesRedis() {
        return false;
    }

    @Test
    void readinessCoversKafkaPostgresAndRedisWhereUsed() {
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("SmallRye Reactive Messaging - readiness check",
                        "Reactive PostgreSQL connections health check"))
                .body("checks.name", usesRedis() ? hasItem("Redis connection health check")
                        : not(hasItem("Redis connection health check"))));
    }

    @Test
    void metricsAndOpenApiArePublic() {
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    private long receipts(String erasureId) throws Exception {
        try (var c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                var s = c.prepareStatement("SELECT count(*) FROM erasure_receipt WHERE erasure_id = ?")) {
            s.setString(1, erasureId);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
