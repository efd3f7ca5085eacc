package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static io.touchpoint.gateway.support.Gateway.basic;
import static io.touchpoint.gateway.support.Gateway.json;
import static io.touchpoint.gateway.support.Gateway.map;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;

/** Sources and write keys: the admin API, and what its changes do to ingestion at once. */
@QuarkusTest
class SourceAdminApiTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.gateway.default-source.write-key")
    String defaultWriteKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    private TestTokens tokens() {
        return new TestTokens(privateKey, issuer);
    }

    private String admin() {
        return tokens().bearer("admin");
    }

    private static ValidatableResponse track(String writeKey, String messageId) {
        return given().header("Authorization", basic(writeKey)).contentType("application/json")
                .body(json(map("messageId", messageId, "userId", "u-src", "event", "Key Check")))
                .post("/v1/track").then();
    }

    @Test
    void sourcesRequireAnAdminToken() {
        given().get("/v1/sources")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        given().contentType("application/json").body(json(map("name", "x"))).post("/v1/sources")
                .then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", tokens().bearer("marketer")).get("/v1/sources")
                .then().statusCode(403).contentType("application/problem+json").body("title", equalTo("Forbidden"));
        given().header("Authorization", tokens().bearer("analyst")).post("/v1/sources/x/rotate-key")
                .then().statusCode(403);
    }

    @Test
    void aCreatedSourceShowsItsKeyOnceAndTheKeyWorksAtOnce() {
        String name = "POS Zurich " + UUID.randomUUID();
        JsonPath created = given().header("Authorization", admin()).contentType("application/json")
                .body(json(map("name", name, "description", "Tills in the Zurich shop")))
                .post("/v1/sources")
                .then().statusCode(201).contentType("application/json")
                .body("name", equalTo(name))
                .body("description", equalTo("Tills in the Zurich shop"))
                .body("enabled", equalTo(true))
                .body("createdAt", notNullValue())
                .body("keyRotatedAt", nullValue())
                .extract().jsonPath();
        String id = created.getString("id");
        String writeKey = created.getString("writeKey");
        assertTrue(writeKey.startsWith("tpk_") && writeKey.length() >= 36, writeKey);
        assertEquals(writeKey.substring(0, 8), created.getString("writeKeyPrefix"));

        given().header("Authorization", admin()).get("/v1/sources/{id}", id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("name", equalTo(name))
                .body("writeKeyPrefix", equalTo(writeKey.substring(0, 8)))
                .body("$", not(hasKey("writeKey")));

        String messageId = "src-" + UUID.randomUUID();
        track(writeKey, messageId).statusCode(200);
        assertEquals(id, InteractionLog.of(bootstrap).awaitOne(messageId).interaction().sourceId());
    }

    @Test
    void theCreatedResponseCarriesItsLocation() {
        var response = given().header("Authorization", admin()).contentType("application/json")
                .body(json(map("name", "Partner feed"))).post("/v1/sources");
        response.then().statusCode(201);
        String id = response.jsonPath().getString("id");
        assertTrue(response.header("Location").endsWith("/v1/sources/" + id), response.header("Location"));
    }

    @Test
    void sourcesAreListedInPagesWithoutTheirKeys() {
        for (int i = 0; i < 3; i++) {
            new Gateway(tokens()).createSource("paged-" + i + "-" + UUID.randomUUID());
        }
        JsonPath first = given().header("Authorization", admin()).queryParam("limit", 2)
                .get("/v1/sources")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("nextCursor", notNullValue())
                .body("items.writeKey", everyItem(nullValue()))
                .extract().jsonPath();
        // Walk every page: each source once, in creation order, until no nextCursor.
        List<String> seen = new ArrayList<>(first.getList("items.id"));
        String cursor = first.getString("nextCursor");
        while (cursor != null) {
            JsonPath next = given().header("Authorization", admin()).queryParam("limit", 2).queryParam("cursor", cursor)
                    .get("/v1/sources").then().statusCode(200).extract().jsonPath();
            assertTrue(next.getList("items.id").stream().noneMatch(seen::contains), "pages do not overlap");
            seen.addAll(next.getList("items.id"));
            cursor = next.getString("nextCursor");
        }
        assertTrue(seen.size() >= 4, "the default source and three more, at least: " + seen);
        given().header("Authorization", admin()).queryParam("cursor", "not-a-cursor").get("/v1/sources")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("cursor"));
        given().header("Authorization", admin()).queryParam("limit", 0).get("/v1/sources")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void theDefaultSourceIsCreatedFromTheConfiguredKey() {
        given().header("Authorization", admin()).queryParam("size", 200).get("/v1/sources")
                .then().statusCode(200)
                .body("items.findAll { it.name == 'default' }", hasSize(1))
                .body("items.find { it.name == 'default' }.writeKeyPrefix", equalTo(defaultWriteKey.substring(0, 8)))
                .body("items.find { it.name == 'default' }.enabled", equalTo(true));
    }

    @Test
    void rotatingAKeyRetiresTheOldOneAtOnce() {
        Gateway.CreatedSource source = new Gateway(tokens()).createSource("Rotating app " + UUID.randomUUID());
        track(source.writeKey(), "before-rotation-" + UUID.randomUUID()).statusCode(200);

        JsonPath rotated = given().header("Authorization", admin()).post("/v1/sources/{id}/rotate-key", source.id())
                .then().statusCode(200)
                .body("id", equalTo(source.id()))
                .body("keyRotatedAt", notNullValue())
                .extract().jsonPath();
        String newKey = rotated.getString("writeKey");
        assertNotEquals(source.writeKey(), newKey);
        assertEquals(newKey.substring(0, 8), rotated.getString("writeKeyPrefix"));

        track(source.writeKey(), "old-key-" + UUID.randomUUID())
                .statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("detail", equalTo("The write key is not valid."));
        String messageId = "new-key-" + UUID.randomUUID();
        track(newKey, messageId).statusCode(200);
        assertEquals(source.id(), InteractionLog.of(bootstrap).awaitOne(messageId).interaction().sourceId());
    }

    @Test
    void aDisabledSourceIsRefusedUntilEnabledAgain() {
        Gateway.CreatedSource source = new Gateway(tokens()).createSource("Seasonal kiosk " + UUID.randomUUID());
        track(source.writeKey(), "enabled-" + UUID.randomUUID()).statusCode(200);

        given().header("Authorization", admin()).post("/v1/sources/{id}/disable", source.id())
                .then().statusCode(200).body("enabled", equalTo(false)).body("$", not(hasKey("writeKey")));
        track(source.writeKey(), "disabled-" + UUID.randomUUID())
                .statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("status", equalTo(401))
                .body("detail", equalTo("The source of this write key is disabled."));
        given().contentType("text/plain")
                .body(json(map("writeKey", source.writeKey(), "batch", java.util.List.of()))).post("/v1/batch")
                .then().statusCode(401).body("detail", equalTo("The source of this write key is disabled."));

        given().header("Authorization", admin()).post("/v1/sources/{id}/enable", source.id())
                .then().statusCode(200).body("enabled", equalTo(true));
        track(source.writeKey(), "re-enabled-" + UUID.randomUUID()).statusCode(200);

        given().header("Authorization", admin()).contentType("application/merge-patch+json")
                .body(json(map("enabled", false, "name", "Seasonal kiosk (winter)")))
                .patch("/v1/sources/{id}", source.id())
                .then().statusCode(200)
                .body("enabled", equalTo(false))
                .body("name", equalTo("Seasonal kiosk (winter)"));
        track(source.writeKey(), "patched-" + UUID.randomUUID()).statusCode(401);
    }

    @Test
    void invalidAndUnknownSourcesAreProblems() {
        given().header("Authorization", admin()).contentType("application/json").body(json(map("name", " ")))
                .post("/v1/sources")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("create.body.name"));
        given().header("Authorization", admin()).contentType("application/json").body("{\"name\": ")
                .post("/v1/sources")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("The body is not valid JSON"));
        given().header("Authorization", admin()).get("/v1/sources/{id}", "no-such-source")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No source no-such-source."));
        given().header("Authorization", admin()).post("/v1/sources/{id}/disable", "no-such-source")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", admin()).queryParam("size", 200).get("/v1/sources")
                .then().body("items.name", not(hasItem(" ")));
    }
}
