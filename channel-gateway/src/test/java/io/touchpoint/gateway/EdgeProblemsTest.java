package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * What the management fuzz test found, pinned: text PostgreSQL cannot store in a path, a query or a
 * JSON body is a 400 naming it (not a 500 from PostgreSQL), a body of the wrong shape is a problem
 * like any other, and so are a path the framework cannot decode and a page's non-POST request.
 */
@QuarkusTest
class EdgeProblemsTest {

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    private RequestSpecification admin() {
        return given().urlEncodingEnabled(false).header("Authorization", new TestTokens(privateKey, issuer).bearer("admin"));
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
                .body("type", equalTo("about:blank"));
    }

    @Test
    void nulInAPathOrQueryParameterIs400NamingIt() {
        problem(admin().get("/v1/sources/%00").then(), 400)
                .body("detail", equalTo("The request's path or query holds text that cannot be stored."))
                .body("errors.field", contains("path.id"))
                .body("errors[0].message", equalTo("id contains U+0000 (NUL), which cannot be stored; send text without it"))
                .body("instance", equalTo("/v1/sources/%00"));
        problem(admin().post("/v1/sources/a%00b/rotate-key").then(), 400).body("errors.field", contains("path.id"));
        problem(admin().get("/v1/erasure-receipts/x%00").then(), 400).body("errors.field", contains("path.erasureId"));
        problem(admin().get("/v1/sources?page=0&size=%00").then(), 400).body("errors.field", contains("query.size"));
        // Percent-encoded UTF-8 that is not valid decodes to U+FFFD, which can be stored: a plain 404.
        problem(admin().get("/v1/sources/%ED%A0%80").then(), 404);
    }

    @Test
    void textThatCannotBeStoredInAJsonBodyIs400NamingTheMember() {
        problem(admin().contentType("application/json").body("{\"name\": \"a\\u0000b\"}").post("/v1/sources").then(), 400)
                .body("detail", equalTo("The body holds text that cannot be stored."))
                .body("errors.field", contains("name"))
                .body("errors[0].message", equalTo("name contains U+0000 (NUL), which cannot be stored; send text without it"));
        problem(admin().contentType("application/json").body("{\"name\": \"ok\", \"description\": \"x\\ud800\"}")
                .post("/v1/sources").then(), 400)
                .body("errors[0].field", equalTo("description"))
                .body("errors[0].message", startsWith("description contains an unpaired UTF-16 surrogate (U+D800)"));
        // The overlong UTF-8 form of NUL (C0 80) is decoded by Jackson as NUL.
        byte[] overlong = "{\"name\": \"a\u0001b\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        overlong = replaceFirst(overlong, (byte) 1, new byte[] { (byte) 0xC0, (byte) 0x80 });
        problem(admin().contentType("application/json").body(overlong).post("/v1/sources").then(), 400)
                .body("errors.field", contains("name"));
        String id = admin().contentType("application/json").body("{\"name\": \"edge-problems\"}").post("/v1/sources")
                .then().statusCode(201).extract().path("id");
        problem(admin().contentType("application/json").body("{\"description\": \"\\u0000\"}").patch("/v1/sources/" + id)
                .then(), 400).body("errors.field", contains("description"));
    }

    @Test
    void aBodyOfTheWrongShapeIsAProblem() {
        problem(admin().contentType("application/json").body("false").post("/v1/sources").then(), 400)
                .body("detail", startsWith("The body is not valid JSON for this operation at line 1, column"))
                .body("errors", nullValue());
        problem(admin().contentType("application/json").body("{\"name\": [\"x\"]}").post("/v1/sources").then(), 400)
                .body("errors.field", contains("name"))
                .body("errors[0].message", equalTo("name is not of the type this operation takes"));
        problem(admin().contentType("application/json").body("[]").patch("/v1/sources/nope").then(), 400);
    }

    @Test
    void aPathTheFrameworkCannotDecodeIs400() {
        problem(admin().get("/v1/sources/%25s;x=1").then(), 400)
                .body("detail", startsWith("The request's path or query cannot be decoded"))
                .body("instance", equalTo("/v1/sources/%25s;x=1"));
        problem(given().urlEncodingEnabled(false).get("/v1/nothing-here/%25s;x=1").then(), 400);
    }

    @Test
    void aPageMayOnlyPostAndIsToldSoAsAProblem() {
        problem(given().header("Origin", "https://shop.example").get("/v1/track").then(), 403)
                .body("title", equalTo("Forbidden"))
                .body("detail", equalTo("A page may not send GET requests here; cross-origin requests may be POST (and GET "
                        + "of on-site content, /v1/content/{placement})."))
                .body("instance", equalTo("/v1/track"));
        problem(given().header("Origin", "https://admin.example").header("Authorization", "Bearer x")
                .delete("/v1/sources/x").then(), 403);
        problem(given().header("Origin", "https://shop.example").options("/v1/track").then(), 403);
        // Without an Origin header the method is the routes' business: 405, as before.
        problem(given().get("/v1/track").then(), 405);
    }

    private static byte[] replaceFirst(byte[] bytes, byte target, byte[] replacement) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == target) {
                byte[] out = new byte[bytes.length - 1 + replacement.length];
                System.arraycopy(bytes, 0, out, 0, i);
                System.arraycopy(replacement, 0, out, i, replacement.length);
                System.arraycopy(bytes, i + 1, out, i + replacement.length, bytes.length - i - 1);
                return out;
            }
        }
        throw new IllegalArgumentException("not found");
    }
}
