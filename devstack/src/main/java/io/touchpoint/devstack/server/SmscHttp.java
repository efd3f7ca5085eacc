package io.touchpoint.devstack.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The SMSC's window for tests and people, on the loopback address:
 * {@code GET /messages[?to=+358401234567]} lists what handsets got (segments put back together),
 * with the number of submit_sm taken ({@code submits}); {@code POST /mo} with
 * {@code {"from": "+358401234567", "to": "+358400000000", "text": "STOP"}} sends a reply from a phone
 * to a bound receiver (202; 409 when no client is bound to receive it).
 */
final class SmscHttp implements AutoCloseable {

    interface MobileOriginated {
        boolean send(String from, String to, String text);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private SmscHttp(HttpServer server) {
        this.server = server;
    }

    static SmscHttp start(SmscMessages messages, MobileOriginated mo) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "smsc-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/messages", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    answer(exchange, 405, "{\"error\":\"GET only\"}");
                    return;
                }
                answer(exchange, 200, messages.json(query(exchange).get("to")));
            }
        });
        server.createContext("/mo", exchange -> {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    answer(exchange, 405, "{\"error\":\"POST only\"}");
                    return;
                }
                Map<?, ?> body;
                try {
                    body = JSON.readValue(exchange.getRequestBody(), Map.class);
                } catch (IOException e) {
                    answer(exchange, 400, "{\"error\":\"a JSON object with from, to and text\"}");
                    return;
                }
                if (!(body.get("from") instanceof String from) || !(body.get("to") instanceof String to)
                        || !(body.get("text") instanceof String text)) {
                    answer(exchange, 400, "{\"error\":\"from, to and text are required\"}");
                    return;
                }
                boolean sent = mo.send(from, to, text);
                answer(exchange, sent ? 202 : 409, sent ? "{\"sent\":true}" : "{\"error\":\"no client is bound to receive\"}");
            }
        });
        server.start();
        return new SmscHttp(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    // A '+' stays a '+': numbers are asked for in E.164 form.
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
