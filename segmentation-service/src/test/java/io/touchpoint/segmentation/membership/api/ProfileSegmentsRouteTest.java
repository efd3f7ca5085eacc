package io.touchpoint.segmentation.membership.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.devstack.testing.TestTokens;

/**
 * The lookup's Vert.x route answers only what the RESTEasy resource would answer the same way; the
 * rest must still get the resource's answers, also for a token the route already knows.
 */
@QuarkusTest
class ProfileSegmentsRouteTest {

    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;

    @Test
    void aKnownTokenWithoutTheRoleIsStillForbidden() {
        TestTokens tokens = new TestTokens(privateKey, issuer);
        String other = tokens.bearer("someone-else");
        String analyst = tokens.bearer("analyst");
        for (int round = 0; round < 2; round++) { // verified, then known to the verified-token cache
            given().header("Authorization", other).get("/v1/profiles/p/segments").then().statusCode(403)
                    .contentType("application/problem+json").body("instance", equalTo("/v1/profiles/p/segments"));
            given().header("Authorization", analyst).get("/v1/profiles/p/segments").then().statusCode(200)
                    .header("Content-Type", "application/json;charset=UTF-8").body("profileId", equalTo("p"));
        }
        given().header("Authorization", analyst).header("Accept", "text/csv").get("/v1/profiles/p/segments").then()
                .statusCode(406).contentType("application/problem+json");
        given().header("Authorization", "Bearer not-a-token").get("/v1/profiles/p/segments").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        given().header("Authorization", tokens.expiredBearer("analyst")).get("/v1/profiles/p/segments").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void requestMetricsNameTheRouteNotTheProfile() {
        String profile = "metric-" + UUID.randomUUID();
        given().header("Authorization", new TestTokens(privateKey, issuer).bearer("analyst"))
                .get("/v1/profiles/{id}/segments", profile).then().statusCode(200);
        given().get("/v1/profiles/{id}/segments", profile).then().statusCode(401);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/profiles/{profileId}/segments\"}"))
                .body(containsString("http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"401\",uri=\"/v1/profiles/{profileId}/segments\"}"))
                .body(not(containsString(profile)));
    }

    @Test
    void onlyPlainPathsAreTakenByTheRoute() {
        assertEquals("abc-1_2.x", ProfileSegmentsRoute.plainProfileId("/v1/profiles/abc-1_2.x/segments"));
        assertNull(ProfileSegmentsRoute.plainProfileId("/v1/profiles/a%2Fb/segments"));
        assertNull(ProfileSegmentsRoute.plainProfileId("/v1/profiles/a;v=1/segments"));
        assertNull(ProfileSegmentsRoute.plainProfileId("/v1/profiles//segments"));
        assertNull(ProfileSegmentsRoute.plainProfileId("/v1/profiles/a/b/segments"));
    }
}
