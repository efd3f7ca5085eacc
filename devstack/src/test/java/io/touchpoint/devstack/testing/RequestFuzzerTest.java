package io.touchpoint.devstack.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.touchpoint.devstack.testing.RequestFuzzer.Operation;
import io.touchpoint.devstack.testing.RequestFuzzer.Request;

/** The fuzzer's own logic, against a small server on the loopback address. */
class RequestFuzzerTest {

    private static final List<Operation> OPERATIONS = List.of(
            Operation.of("POST", "/v1/things").withBody("{\"name\": \"a\", \"tags\": [\"x\"], \"n\": 1, \"inner\": {\"b\": true}}")
                    .withHeader("Authorization", "Bearer token"),
            Operation.of("GET", "/v1/things/{id}/parts/{partId}?limit=10&after=x").withPathValue("id", "real-id"),
            Operation.of("DELETE", "/v1/things/{id}"));

    private static List<Request> plan(long seed, int count) {
        RequestFuzzer fuzzer = RequestFuzzer.against(URI.create("http://127.0.0.1:1")).operations(OPERATIONS)
                .oversizeBytes(4096);
        Random random = new Random(seed);
        List<Request> requests = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            requests.add(fuzzer.next(random, n));
        }
        return requests;
    }

    @Test
    void theSameSeedSendsTheSameRequests() {
        List<Request> first = plan(99, 300);
        List<Request> again = plan(99, 300);
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).describe(), again.get(i).describe());
            assertArrayEquals(first.get(i).body(), again.get(i).body());
        }
        assertFalse(plan(100, 300).stream().map(Request::describe).toList()
                .equals(first.stream().map(Request::describe).toList()));
    }

    @Test
    void everyKindOfMutationIsMadeAndOperationsTakeTurns() {
        List<Request> requests = plan(7, 1500);
        Set<String> kinds = new TreeSet<>();
        for (Request r : requests) {
            r.mutations().forEach(m -> kinds.add(m.replaceAll("\\(.*", "")));
        }
        assertEquals(new TreeSet<>(List.of("path-id", "path-shape", "query", "method", "nul-in-string",
                "surrogate-in-string", "nul-in-name", "surrogate-in-name", "unicode-string", "huge-number",
                "deep-nesting", "wrong-type", "drop-member", "null-member", "extra-member", "long-string",
                "not-an-object", "truncated", "random-bytes", "flipped-bytes", "raw-nul", "raw-surrogate",
                "overlong-nul", "invalid-utf8", "bom", "utf16", "empty-body", "oversize", "trailing-garbage",
                "body-on-bodiless", "content-type", "no-content-type", "content-encoding", "accept", "drop-header",
                "spoil-header", "odd-header")), kinds);
        assertEquals(500, requests.stream().filter(r -> r.operation().equals("POST /v1/things")).count());
        long unmutated = requests.stream().filter(r -> r.mutations().isEmpty()).count();
        assertTrue(unmutated > 100 && unmutated < 200, unmutated + " unmutated");
        Request first = requests.get(0);
        assertEquals("POST /v1/things", first.operation());
    }

    @Test
    void nulAndLoneSurrogatesAreSentAsJsonEscapesAndPathIdsAsPercentEncoding() {
        List<Request> requests = plan(7, 1500);
        Request nul = find(requests, "nul-in-string");
        assertTrue(text(nul).contains("\\u0000"), text(nul));
        Request surrogate = find(requests, "surrogate-in-string");
        assertTrue(text(surrogate).matches("(?s).*\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}.*"), text(surrogate));
        Request name = find(requests, "surrogate-in-name");
        assertTrue(text(name).matches("(?s).*\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}.*"), text(name));
        Request path = requests.stream().filter(r -> r.mutations().stream().anyMatch(m -> m.startsWith("path-id(id=%00)")))
                .findFirst().orElseThrow();
        assertTrue(path.target().contains("/%00"), path.target());
        Request valid = requests.stream().filter(r -> r.mutations().isEmpty() && r.operation().startsWith("GET"))
                .findFirst().orElseThrow();
        assertTrue(valid.target().matches("/v1/things/real-id/parts/fuzz-[0-9a-f]+\\?limit=10&after=x"), valid.target());
    }

    private static Request find(List<Request> requests, String mutation) {
        return requests.stream().filter(r -> r.mutations().size() == 1 && r.mutations().get(0).startsWith(mutation))
                .findFirst().orElseThrow();
    }

    private static String text(Request r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void judgesServerErrorsAndErrorsThatAreNotProblems() {
        Request r = new Request(1, "GET /x", List.of(), "GET", "/x", Map.of(), null);
        byte[] problem = "{\"status\":404,\"title\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
        assertNull(RequestFuzzer.judge(r, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        assertNull(RequestFuzzer.judge(r, 204, null, new byte[0]));
        assertNull(RequestFuzzer.judge(r, 404, "application/problem+json", problem));
        assertNull(RequestFuzzer.judge(r, 404, "application/problem+json;charset=UTF-8", problem));
        assertEquals("server error", RequestFuzzer.judge(r, 500, "application/problem+json", problem).why());
        assertEquals("server error", RequestFuzzer.judge(r, 503, null, null).why());
        assertEquals("error without application/problem+json",
                RequestFuzzer.judge(r, 404, "text/html", "<h1>".getBytes(StandardCharsets.UTF_8)).why());
        assertEquals("error without application/problem+json", RequestFuzzer.judge(r, 400, null, new byte[0]).why());
        assertEquals("problem+json body that is not a JSON object",
                RequestFuzzer.judge(r, 400, "application/problem+json", "oops".getBytes(StandardCharsets.UTF_8)).why());
        assertEquals("problem+json whose status is not the HTTP status",
                RequestFuzzer.judge(r, 400, "application/problem+json", problem).why());
    }

    @Test
    void aRunCollectsWhatTheServerGetsWrongWithTheRequestThatCausedIt() throws IOException {
        // Without it each answer waits out the client's delayed ACK (some 40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            exchange.getRequestBody().readAllBytes();
            int status;
            String type = "application/problem+json";
            if (path.contains("%00")) {
                status = 500;
            } else if (path.contains("%ED")) {
                status = 400;
                type = "text/plain";
            } else {
                status = 404;
            }
            byte[] body = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var out = new ByteArrayOutputStream();
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            RequestFuzzer.Report report = RequestFuzzer.against(base).name("unit").operations(OPERATIONS).seed(5)
                    .requests(200).oversizeBytes(4096).log(new PrintStream(out, true, StandardCharsets.UTF_8)).run();
            assertEquals(200, report.sent() + report.unsendable());
            assertFalse(report.clean());
            for (RequestFuzzer.Finding finding : report.findings()) {
                String target = finding.request().target();
                if (finding.status() == 500) {
                    assertTrue(target.contains("%00"), target);
                } else {
                    assertEquals(400, finding.status());
                    assertTrue(target.contains("%ED"), target);
                    assertEquals("error without application/problem+json", finding.why());
                }
            }
            assertTrue(report.findings().stream().anyMatch(f -> f.status() == 500));
            String log = out.toString(StandardCharsets.UTF_8);
            assertTrue(log.startsWith("unit: seed 5 (replay with -Dtouchpoint.fuzz.seed=5), 200 requests over 3 "
                    + "operations against " + base), log);
            assertTrue(log.contains("replay with -Dtouchpoint.fuzz.seed=5"), log);
            assertTrue(report.describe().contains(" x [GET /v1/things/{id}/parts/{partId} | "), report.describe());
            assertNotNull(report.statuses().get(404));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void operationsComeFromAnOpenApiDocumentWithSampleBodiesAndQueries() throws IOException {
        var document = new ObjectMapper().readTree("""
                {"openapi": "3.1.0", "paths": {
                  "/v1/segments": {
                    "get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "default": 50}},
                                           {"name": "after", "in": "query", "schema": {"type": "string"}}]},
                    "post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/New"}}}}}},
                  "/v1/segments/{id}": {
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "delete": {},
                    "patch": {"requestBody": {"content": {"application/merge-patch+json": {"schema": {"type": "object",
                        "additionalProperties": {}}}}}}}},
                 "components": {"schemas": {"New": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "minLength": 6}, "id": {"type": "string", "readOnly": true},
                    "state": {"type": "string", "enum": ["draft", "active"]}, "size": {"type": ["integer", "null"], "minimum": 3},
                    "tags": {"type": "array", "items": {"type": "string"}}, "at": {"type": "string", "format": "date-time"},
                    "settings": {"type": "object", "additionalProperties": {"type": "number"}}}}}}}""");
        List<Operation> operations = RequestFuzzer.operationsFromOpenApi(document, Map.of("Authorization", "Bearer t"));
        assertEquals(List.of("GET /v1/segments", "POST /v1/segments", "PATCH /v1/segments/{id}",
                "DELETE /v1/segments/{id}"), operations.stream().map(Operation::key).toList());
        assertEquals("/v1/segments?limit=50&after=fuzz", operations.get(0).path());
        assertEquals("{\"name\":\"fuzzxx\",\"state\":\"draft\",\"size\":3,\"tags\":[\"fuzz\"],\"at\":\"2030-01-01T00:00:00Z\","
                + "\"settings\":{\"fuzz\":1.5}}", operations.get(1).body());
        assertEquals("application/json", operations.get(1).headers().get("Content-Type"));
        assertEquals("{\"fuzz\":\"fuzz\"}", operations.get(2).body());
        assertEquals("application/merge-patch+json", operations.get(2).headers().get("Content-Type"));
        assertNull(operations.get(3).body());
        assertEquals("Bearer t", operations.get(3).headers().get("Authorization"));
        List<Operation> replaced = RequestFuzzer.replaceBody(operations, "POST /v1/segments", "{\"name\":\"x\"}");
        assertEquals("{\"name\":\"x\"}", replaced.get(1).body());
    }
}
