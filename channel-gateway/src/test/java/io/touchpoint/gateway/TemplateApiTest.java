package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;

/** /v1/templates on the real stack: drafts checked by rendering on save, immutable versions, previews, roles. */
@QuarkusTest
class TemplateApiTest {

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    private String marketer;
    private String analyst;

    @BeforeEach
    void tokens() {
        TestTokens tokens = new TestTokens(privateKey, issuer);
        marketer = tokens.bearer("marketer");
        analyst = tokens.bearer("analyst");
    }

    static Map<String, Object> email(String subject, String html) {
        return Map.of("name", "Welcome", "defaultLocale", "en", "locales", Map.of(
                "en", Map.of("email", Map.of("subject", subject, "html", html)),
                "fi", Map.of("email", Map.of("subject", "Tervetuloa {{ profile.firstName }}", "html", "<p>Hei!</p>", "text", "Hei!"))));
    }

    private io.restassured.response.ValidatableResponse put(String key, Object body) {
        return given().header("Authorization", marketer).contentType("application/json").body(Gateway.json(body))
                .put("/v1/templates/{key}", key).then();
    }

    @Test
    void aDraftIsSavedPublishedAsImmutableVersionsAndPreviewed() {
        String key = "welcome-" + UUID.randomUUID();
        put(key, email("Welcome, {{ profile.firstName }}", "<p>Hi {{ profile.firstName }}</p>")).statusCode(201)
                .header("Location", startsWith("http")).body("key", equalTo(key)).body("publishedVersion", nullValue());
        put(key, email("Welcome, {{ profile.firstName }}", "<p>Hi {{ profile.firstName }}</p>")).statusCode(200);

        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200)
                .body("version", equalTo(1));
        // Publishing an unchanged draft again is the same version: re-applying changes nothing.
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200)
                .body("version", equalTo(1));
        put(key, email("Hello again, {{ profile.firstName }}", "<p>Hi</p>")).statusCode(200);
        given().header("Authorization", marketer).post("/v1/templates/{key}/publish", key).then().statusCode(200)
                .body("version", equalTo(2));
        given().header("Authorization", analyst).get("/v1/templates/{key}/versions/1", key).then().statusCode(200)
                .body("content.locales.en.email.subject", equalTo("Welcome, {{ profile.firstName }}"));
        given().header("Authorization", analyst).get("/v1/templates/{key}", key).then().statusCode(200)
                .body("publishedVersion", equalTo(2));

        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("version", 1, "locale", "fi-FI", "traits", Map.of("firstName", "Aino"))))
                .post("/v1/templates/{key}/preview", key).then().statusCode(200)
                .body("locale", equalTo("fi")).body("subject", equalTo("Tervetuloa Aino")).body("text", equalTo("Hei!"));
        given().header("Authorization", marketer).contentType("application/json")
                .body(Gateway.json(Map.of("locale", "sv-SE", "traits", Map.of("firstName", "Ada"))))
                .post("/v1/templates/{key}/preview", key).then().statusCode(200)
                .body("locale", equalTo("en")).body("subject", equalTo("Hello again, Ada")).body("text", equalTo("Hi"));

        // The unsubscribe link shows where it sits, and withdraws nothing: its token is no one's.
        String links = "links-" + UUID.randomUUID();
        put(links, email("News", "<p><a href=\"{{ unsubscribeUrl }}\">Unsubscribe</a> <a href=\"{{ preferencesUrl }}\">Settings</a></p>"))
                .statusCode(201);
        String html = given().header("Authorization", marketer).contentType("application/json").body("{}")
                .post("/v1/templates/{key}/preview", links).then().statusCode(200).extract().path("html");
        var href = java.util.regex.Pattern.compile("href=\"(http[^\"]+/v1/unsubscribe/preview)\"").matcher(html);
        org.junit.jupiter.api.Assertions.assertTrue(href.find(), html);
        org.junit.jupiter.api.Assertions.assertTrue(html.contains("/v1/preferences/preview\""), html);
        given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").post("/v1/unsubscribe/preview")
                .then().statusCode(400);
    }

    @Test
    void aTemplateThatDoesNotRenderIsA400NamingThePartAndLine() {
        put("broken-" + UUID.randomUUID(), email("Hi", "<p>\n{{ profile.firstName | shout }}</p>")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("locales.en.email.html"))
                .body("errors.find { it.field == 'locales.en.email.html' }.message", equalTo("line 2: no filter available named: |shout"));
        put("broken-" + UUID.randomUUID(), email("{% frobnicate %}", "<p>x</p>")).statusCode(400)
                .body("errors.find { it.field == 'locales.en.email.subject' }.message", startsWith("line 1, column 4"));
        put("Bad Key", email("Hi", "x")).statusCode(400).body("errors.field", hasItem("path.key"));
        put("no-default-" + UUID.randomUUID(), Map.of("name", "x", "defaultLocale", "de", "locales",
                Map.of("en", Map.of("sms", Map.of("text", "hi"))))).statusCode(400).body("errors.field", hasItem("defaultLocale"));
        put("empty-" + UUID.randomUUID(), Map.of("name", "x", "defaultLocale", "en", "locales", Map.of("en", Map.of())))
                .statusCode(400).body("errors.field", hasItem("locales.en"));
    }

    @Test
    void aMisspeltMemberIsA400NamingItRatherThanDropped() {
        // "txt" would otherwise be dropped and a text part made from the HTML, as if none were given.
        put("typo-" + UUID.randomUUID(), Map.of("name", "x", "defaultLocale", "en", "locales",
                Map.of("en", Map.of("email", Map.of("subject", "Hi", "html", "<p>x</p>", "txt", "x"))))).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("locales.en.email.txt"))
                .body("errors.find { it.field == 'locales.en.email.txt' }.message", equalTo("is not a field here (html, subject, text)"));
        given().header("Authorization", marketer).contentType("application/json").body("{\"adress\":\"ada@example.com\"}")
                .post("/v1/templates/{key}/test-send", "any").then().statusCode(400).body("errors.field", hasItem("adress"));
    }

    @Test
    void analystsReadButDoNotWrite() {
        given().header("Authorization", analyst).get("/v1/templates").then().statusCode(200);
        given().header("Authorization", analyst).contentType("application/json").body(Gateway.json(email("Hi", "x")))
                .put("/v1/templates/{key}", "analyst-" + UUID.randomUUID()).then().statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", marketer).get("/v1/templates/{key}", "missing-" + UUID.randomUUID()).then()
                .statusCode(404).contentType("application/problem+json");
    }
}
