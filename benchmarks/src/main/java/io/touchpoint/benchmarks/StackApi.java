package io.touchpoint.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The running stack's public APIs as a benchmark uses them to set a run up and to read its
 * outcome: journeys and templates (marketer token), the delivery ledger's answer per request, and
 * the tracking API (the default source's write key).
 */
final class StackApi {

    /** A request's delivery as {@code GET /v1/deliveries/{requestId}} answers it; null fields when there is none. */
    record DeliveryState(String requestId, String deliveryId, String state, String reason, int status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> env;
    private final String trackingAuthorization;

    StackApi(Map<String, String> env) {
        this.env = env;
        this.trackingAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((Settings.require(env, "TOUCHPOINT_WRITE_KEY") + ":").getBytes(StandardCharsets.UTF_8));
    }

    String gatewayUrl() {
        return Settings.require(env, "TOUCHPOINT_CHANNEL_GATEWAY_URL");
    }

    String trackingAuthorization() {
        return trackingAuthorization;
    }

    /** Creates and publishes a journey; its id. */
    String publishJourney(String definition) throws Exception {
        String journeyUrl = Settings.require(env, "TOUCHPOINT_JOURNEY_URL");
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(journeyUrl + "/v1/journeys"))
                .header("Authorization", bearer()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(definition)));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating a journey failed: " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        HttpResponse<String> published = send(HttpRequest.newBuilder(URI.create(journeyUrl + "/v1/journeys/" + id + "/publish"))
                .header("Authorization", bearer()).POST(HttpRequest.BodyPublishers.noBody()));
        if (published.statusCode() != 200) {
            throw new IllegalStateException("publishing journey " + id + " failed: " + published.statusCode() + " " + published.body());
        }
        return id;
    }

    /** Saves a template's draft ({@code PUT /v1/templates/{key}}) and publishes it. */
    void publishTemplate(String key, String definition) throws Exception {
        HttpResponse<String> saved = send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/v1/templates/" + key))
                .header("Authorization", bearer()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(definition)));
        if (saved.statusCode() / 100 != 2) {
            throw new IllegalStateException("saving template " + key + " failed: " + saved.statusCode() + " " + saved.body());
        }
        HttpResponse<String> published = send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/v1/templates/" + key + "/publish"))
                .header("Authorization", bearer()).POST(HttpRequest.BodyPublishers.noBody()));
        if (published.statusCode() / 100 != 2) {
            throw new IllegalStateException("publishing template " + key + " failed: " + published.statusCode() + " " + published.body());
        }
    }

    /** {@code GET /v1/deliveries/{requestId}}: the ledger's state of one request. */
    DeliveryState delivery(String requestId) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/v1/deliveries/" + requestId))
                .header("Authorization", bearer()).GET());
        if (r.statusCode() != 200) {
            return new DeliveryState(requestId, null, null, null, r.statusCode());
        }
        JsonNode body = JSON.readTree(r.body());
        return new DeliveryState(requestId, body.path("deliveryId").asText(null), body.path("state").asText(null),
                body.path("reason").asText(null), r.statusCode());
    }

    /** {@code POST /v1/batch} with the default source's write key; every message must be accepted. */
    void batch(List<String> messages) throws Exception {
        String body = "{\"batch\":[" + String.join(",", messages) + "]}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/v1/batch"))
                .header("Authorization", trackingAuthorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /v1/batch answered " + r.statusCode() + " " + r.body());
        }
    }

    private String bearer() {
        return "Bearer " + Settings.require(env, "TOUCHPOINT_MARKETER_TOKEN");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
