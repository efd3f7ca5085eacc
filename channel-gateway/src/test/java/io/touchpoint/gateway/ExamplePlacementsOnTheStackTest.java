package io.touchpoint.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;

/**
 * The placements shipped in {@code examples/} are accepted by the API as {@code ./touchpoint apply}
 * sends them (segment references by name replaced by an id), and the betting operator's pages
 * answer visits by traffic source and search term as the reference scenario says.
 */
@QuarkusTest
class ExamplePlacementsOnTheStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final String WRITE_KEY = "tpk_test-default-source-write-key";

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    @Test
    void everyExamplePlacementIsAcceptedAndPublished() throws IOException {
        List<Path> files;
        try (Stream<Path> all = Files.walk(EXAMPLES)) {
            files = all.filter(p -> p.getParent().getFileName().toString().equals("placements") && p.toString().endsWith(".json"))
                    .sorted().toList();
        }
        assertFalse(files.isEmpty(), "no example placements under " + EXAMPLES.toAbsolutePath());
        for (Path file : files) {
            String text = Files.readString(file).replaceAll("\"@segment:[^\"]*\"", "\"segment-id-from-apply\"");
            @SuppressWarnings("unchecked")
            Map<String, Object> definition = JSON.readValue(text, Map.class);
            String key = (String) definition.remove("key");
            given().header("Authorization", admin()).contentType("application/json").body(Gateway.json(definition))
                    .put("/v1/placements/{key}", key).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
            given().header("Authorization", admin()).post("/v1/placements/{key}/publish", key).then().statusCode(200);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> given().header("Authorization", Gateway.basic(WRITE_KEY))
                .queryParam("anonymousId", "new-visitor").get("/v1/content/landing-page").statusCode() == 200);
        decide("landing-page", Map.of("url", "https://bet.example/?utm_source=google&utm_medium=cpc&utm_term=v75+jackpot"))
                .then().statusCode(200).body("variant", equalTo("search-jackpot")).body("content.searchedFor", equalTo("v75 jackpot"));
        decide("landing-page", Map.of("referrer", "https://www.bing.com/search?q=how+does+toto+work", "url", "https://bet.example/"))
                .then().statusCode(200).body("variant", equalTo("search-how-to"));
        decide("landing-page", Map.of("referrer", "https://tipster-blog.example/", "url", "https://bet.example/"))
                .then().statusCode(200).body("variant", equalTo("partner")).body("content.hero", equalTo("Welcome from tipster-blog.example"));
        decide("landing-page", Map.of()).then().statusCode(200).body("variant", equalTo("default"));
        decide("registration-page", Map.of("url", "https://bet.example/register?utm_source=instagram&utm_medium=influencer"
                + "&utm_campaign=tipster-week")).then().statusCode(200).body("variant", equalTo("light"))
                .body("content.fields", equalTo(List.of("email", "password")));
        decide("registration-page", Map.of("url", "https://bet.example/register")).then().statusCode(200)
                .body("variant", equalTo("full"));
        decide("home-banner", Map.of()).then().statusCode(200).body("variant", equalTo("register-now"));
    }

    private io.restassured.response.Response decide(String key, Map<String, String> visit) {
        var request = given().header("Authorization", Gateway.basic(WRITE_KEY)).queryParam("anonymousId", "new-visitor");
        visit.forEach(request::queryParam);
        return request.get("/v1/content/{key}", key);
    }

    private String admin() {
        return new TestTokens(privateKey, issuer).bearer("admin");
    }
}
