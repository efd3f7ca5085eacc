package io.touchpoint.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The devstack's SMSC as a test sees it: what handsets got, and replies sent from phones. */
public final class Smsc {

    /** A message as the handset shows it (segments put back together by the SMSC). */
    public record Message(String from, String to, String text, String encoding, int segments, List<String> messageIds,
            String receipt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    public Smsc(int httpPort) {
        this.port = httpPort;
    }

    public List<Message> messagesTo(String number) {
        JsonNode body = get("/messages?to=" + URLEncoder.encode(number, StandardCharsets.UTF_8));
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            List<String> ids = new ArrayList<>();
            m.path("messageIds").forEach(id -> ids.add(id.asText()));
            messages.add(new Message(m.path("from").asText(), m.path("to").asText(), m.path("text").asText(),
                    m.path("encoding").asText(), m.path("segments").asInt(), ids, m.path("receipt").asText()));
        }
        return messages;
    }

    /** A reply from {@code from}, as the SMSC delivers it to the bound gateway. */
    public void reply(String from, String text) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mo"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("from", from, "to", "+358400000000",
                            "text", text))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("the SMSC answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String path) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
