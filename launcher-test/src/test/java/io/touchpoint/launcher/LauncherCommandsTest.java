package io.touchpoint.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.touchpoint.devstack.JwtKeys;

/**
 * The launcher's commands that need no real stack: argument errors, {@code token}, and {@code clock}
 * against five stand-ins that serve the services' dev clock contract ({@code GET}/{@code PUT
 * /v1/dev/clock}, admin token, forward only), on a home whose "devstack" is this JVM.
 */
class LauncherCommandsTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> SERVICES = List.of("channel-gateway", "profile-service", "segmentation-service",
            "journey-service", "analytics-service");

    @TempDir
    Path tmp;
    private Path home;
    private int base;
    private Launcher launcher;
    private final List<FakeClock> clocks = new ArrayList<>();

    @BeforeEach
    void fakeStack() throws Exception {
        home = tmp.resolve("home");
        Path jwt = home.resolve("devstack").resolve("jwt");
        JwtKeys.ensureKeyPair(jwt);
        Files.writeString(home.resolve("devstack").resolve("endpoints.properties"),
                "jwt.issuer=https\\://touchpoint.local\njwt.private-key=" + jwt.resolve("private.pem") + "\n");
        base = FreePorts.range(SERVICES.size());
        Files.createDirectories(home.resolve("run"));
        Files.writeString(home.resolve("run").resolve("port-base"), Integer.toString(base));
        // A live pid as the devstack's: never run 'down' on this home.
        Files.writeString(home.resolve("run").resolve("devstack.pid"), Long.toString(ProcessHandle.current().pid()));
        Files.writeString(home.resolve("run").resolve("clock"), "simulated\n");
        PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                .decode(Files.readString(jwt.resolve("public.pem")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""))));
        for (int i = 0; i < SERVICES.size(); i++) {
            clocks.add(new FakeClock(SERVICES.get(i), base + i, Instant.parse("2026-12-02T13:00:00Z"), publicKey));
        }
        // TOUCHPOINT_PORT_BASE differs on purpose: the running stack's recorded base wins.
        launcher = new Launcher(home, Map.of("TOUCHPOINT_PORT_BASE", "8080"));
    }

    @AfterEach
    void stopFakes() {
        clocks.forEach(FakeClock::stop);
    }

    @Test
    void clockPrintsTheGatewaysInstant() throws Exception {
        clocks.get(0).instant = Instant.parse("2026-12-05T08:30:00Z");
        Launcher.Result clock = launcher.run(COMMAND_TIMEOUT, "clock");
        assertEquals(0, clock.exitCode(), clock.describe());
        assertEquals("2026-12-05T08:30:00Z", clock.stdout().trim());
    }

    @Test
    void advanceMovesEveryServiceToTheSameInstantWithAnAdminToken() throws Exception {
        Launcher.Result advance = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "30d");
        assertEquals(0, advance.exitCode(), advance.describe());
        assertEquals("2027-01-01T13:00:00Z", advance.stdout().trim());
        for (FakeClock clock : clocks) {
            assertEquals(Instant.parse("2027-01-01T13:00:00Z"), clock.instant, clock.name);
            assertEquals(List.of("{\"instant\":\"2027-01-01T13:00:00Z\"}"), clock.puts, clock.name);
        }

        clocks.forEach(c -> c.instant = Instant.parse("2026-12-02T13:00:00.250Z"));
        Launcher.Result minutes = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "90m");
        assertEquals(0, minutes.exitCode(), minutes.describe());
        assertEquals("2026-12-02T14:30:00.250Z", minutes.stdout().trim(), "the fraction is kept");
        assertEquals("2026-12-02T14:30:00.250Z", clocks.get(3).instant.toString());
    }

    @Test
    void aServiceThatFailsLeavesTheGatewayAloneSoTheSameCommandRetriesTheSameInstant() throws Exception {
        clocks.get(2).failures = 5; // segmentation-service answers 503 for a while (each PUT is tried 3 times)
        Launcher.Result first = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "1d");
        assertEquals(1, first.exitCode(), first.describe());
        assertTrue(first.stderr().contains("segmentation-service"), first.describe());
        assertEquals(Instant.parse("2026-12-02T13:00:00Z"), clocks.get(0).instant, "the gateway was not moved");

        Launcher.Result retry = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "1d");
        assertEquals(0, retry.exitCode(), retry.describe());
        for (FakeClock clock : clocks) {
            assertEquals(Instant.parse("2026-12-03T13:00:00Z"), clock.instant, clock.name);
        }
    }

    @Test
    void setMovesEveryServiceAndAnEarlierInstantIsRefused() throws Exception {
        Launcher.Result set = launcher.run(COMMAND_TIMEOUT, "clock", "set", "2027-01-01T09:00:00Z");
        assertEquals(0, set.exitCode(), set.describe());
        assertEquals("2027-01-01T09:00:00Z", set.stdout().trim());
        clocks.forEach(c -> assertEquals(Instant.parse("2027-01-01T09:00:00Z"), c.instant, c.name));

        Launcher.Result back = launcher.run(COMMAND_TIMEOUT, "clock", "set", "2026-12-24T00:00:00Z");
        assertEquals(1, back.exitCode(), back.describe());
        assertTrue(back.stderr().contains("409"), back.describe());
        clocks.forEach(c -> assertEquals(Instant.parse("2027-01-01T09:00:00Z"), c.instant, c.name));
    }

    @Test
    void clockCommandsNeedASimulatedRunningStack() throws Exception {
        Files.delete(home.resolve("run").resolve("clock"));
        Launcher.Result real = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "30d");
        assertEquals(1, real.exitCode(), real.describe());
        assertTrue(real.stderr().contains("real clock") && real.stderr().contains("--simulated-clock"), real.describe());
        clocks.forEach(c -> assertTrue(c.puts.isEmpty(), c.name));

        Files.writeString(home.resolve("run").resolve("devstack.pid"), "999999999");
        Launcher.Result notRunning = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "30d");
        assertEquals(1, notRunning.exitCode(), notRunning.describe());
        assertTrue(notRunning.stderr().contains("not running"), notRunning.describe());
    }

    @Test
    void clockOnARealClockStackPrintsTheTimeOfDay() throws Exception {
        Files.delete(home.resolve("run").resolve("clock"));
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Launcher.Result clock = launcher.run(COMMAND_TIMEOUT, "clock");
        Instant after = Instant.now();
        assertEquals(0, clock.exitCode(), clock.describe());
        Instant printed = Instant.parse(clock.stdout().trim());
        assertTrue(!printed.isBefore(before) && !printed.isAfter(after), printed + " between " + before + " and " + after);
        assertTrue(clock.stderr().contains("real clock"), clock.describe());
        clocks.forEach(c -> assertTrue(c.puts.isEmpty(), c.name));
    }

    @Test
    void clockSaysSoWhenTheServicesHaveNoDevClock() throws Exception {
        clocks.forEach(c -> c.missing = true);
        Launcher.Result clock = launcher.run(COMMAND_TIMEOUT, "clock", "advance", "1d");
        assertEquals(1, clock.exitCode(), clock.describe());
        assertTrue(clock.stderr().contains("no /v1/dev/clock (404)"), clock.describe());
    }

    @Test
    void clockArgumentsAreCheckedBeforeAnythingElse() throws Exception {
        for (List<String> args : List.of(List.of("clock", "advance"), List.of("clock", "advance", "30"),
                List.of("clock", "advance", "30w"), List.of("clock", "advance", "-1d"), List.of("clock", "advance", "1.5h"),
                List.of("clock", "set"), List.of("clock", "set", "2027-13-01T09:00:00Z"), List.of("clock", "set", "2027-02-30T09:00:00Z"),
                List.of("clock", "set", "2027-01-01 09:00:00"), List.of("clock", "set", "tomorrow"), List.of("clock", "rewind", "1d"),
                List.of("clock", "advance", "1d", "2d"))) {
            Launcher.Result r = launcher.run(COMMAND_TIMEOUT, args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), args + "\n" + r.describe());
            assertTrue(r.stderr().startsWith("touchpoint: "), args + "\n" + r.describe());
        }
        clocks.forEach(c -> assertTrue(c.puts.isEmpty(), c.name));
    }

    @Test
    void tokenPrintsOnlyASignedTokenForTheRole() throws Exception {
        Launcher.Result token = launcher.run(COMMAND_TIMEOUT, "token", "--role", "marketer", "--ttl", "30m");
        assertEquals(0, token.exitCode(), token.describe());
        assertTrue(token.stdout().matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n"), token.describe());
        Map<String, Object> claims = clocks.get(0).verify(token.stdout().trim());
        assertEquals("[marketer]", claims.get("groups"));
        assertEquals(30 * 60L, (Long) claims.get("exp") - (Long) claims.get("iat"));

        Launcher.Result week = launcher.run(COMMAND_TIMEOUT, "token", "--role", "admin", "--ttl", "7d");
        Map<String, Object> admin = clocks.get(0).verify(week.stdout().trim());
        assertEquals(7 * 86400L, (Long) admin.get("exp") - (Long) admin.get("iat"));
        Launcher.Result hour = launcher.run(COMMAND_TIMEOUT, "token", "--role", "analyst");
        Map<String, Object> analyst = clocks.get(0).verify(hour.stdout().trim());
        assertEquals(3600L, (Long) analyst.get("exp") - (Long) analyst.get("iat"), "one hour unless --ttl says otherwise");
    }

    @Test
    void tokenRefusesAnUnknownRoleOrLifetime() throws Exception {
        for (List<String> args : List.of(List.of("token", "--role", "root"), List.of("token"), List.of("token", "--role"),
                List.of("token", "--role", "analyst", "--ttl", "1w"), List.of("token", "--role", "analyst", "--ttl", "0h"),
                List.of("token", "--role", "analyst", "--bogus"))) {
            Launcher.Result r = launcher.run(COMMAND_TIMEOUT, args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), args + "\n" + r.describe());
            assertEquals("", r.stdout(), args.toString());
        }
        Launcher.Result root = launcher.run(COMMAND_TIMEOUT, "token", "--role", "root");
        assertTrue(root.stderr().contains("unknown role 'root'"), root.describe());
    }

    @Test
    void logsPrintsTheLastLinesOfAServicesLog() throws Exception {
        Path logs = Files.createDirectories(home.resolve("logs"));
        Files.write(logs.resolve("journey-service.log"), IntStream.rangeClosed(1, 150).mapToObj(i -> "line " + i).toList());
        Launcher.Result last = launcher.run(COMMAND_TIMEOUT, "logs", "journey-service");
        assertEquals(0, last.exitCode(), last.describe());
        assertEquals(IntStream.rangeClosed(51, 150).mapToObj(i -> "line " + i).toList(), last.stdout().lines().toList(), last.describe());
        Launcher.Result three = launcher.run(COMMAND_TIMEOUT, "logs", "journey-service", "--lines", "3");
        assertEquals(List.of("line 148", "line 149", "line 150"), three.stdout().lines().toList(), three.describe());
        Launcher.Result unknown = launcher.run(COMMAND_TIMEOUT, "logs", "journey");
        assertEquals(2, unknown.exitCode(), unknown.describe());
        assertTrue(unknown.stderr().contains("journey-service analytics-service"), unknown.describe());
        Launcher.Result none = launcher.run(COMMAND_TIMEOUT, "logs", "analytics-service");
        assertEquals(1, none.exitCode(), none.describe());
        assertTrue(none.stderr().contains("no log of analytics-service"), none.describe());
    }

    @Test
    void badOptionsAndPortBasesAreUsageErrors() throws Exception {
        Launcher fresh = new Launcher(tmp.resolve("other-home"), Map.of("TOUCHPOINT_PORT_BASE", "65534"));
        Launcher.Result port = fresh.run(COMMAND_TIMEOUT, "status");
        assertEquals(2, port.exitCode(), port.describe());
        assertTrue(port.stderr().contains("TOUCHPOINT_PORT_BASE"), port.describe());
        Launcher.Result up = fresh.run(COMMAND_TIMEOUT, "up", "--detached");
        assertEquals(2, up.exitCode(), up.describe());
        Launcher.Result nothing = fresh.run(COMMAND_TIMEOUT);
        assertEquals(2, nothing.exitCode(), nothing.describe());
    }

    /** One service's dev clock, as the contract describes it. */
    private static final class FakeClock {
        final String name;
        final HttpServer server;
        final PublicKey publicKey;
        final List<String> puts = new CopyOnWriteArrayList<>();
        volatile Instant instant;
        volatile int failures;
        volatile boolean missing;

        FakeClock(String name, int port, Instant start, PublicKey publicKey) throws IOException {
            this.name = name;
            this.instant = start;
            this.publicKey = publicKey;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/v1/dev/clock", this::handle);
            server.start();
        }

        void stop() {
            server.stop(0);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                if (missing) {
                    respond(exchange, 404, "application/problem+json", "{\"status\":404}");
                    return;
                }
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                Map<String, Object> claims;
                try {
                    claims = verify(auth == null ? "" : auth.replaceFirst("^Bearer ", ""));
                } catch (Exception e) {
                    respond(exchange, 401, "application/problem+json", "{\"status\":401}");
                    return;
                }
                switch (exchange.getRequestMethod()) {
                    case "GET" -> respond(exchange, 200, "application/json", "{\"instant\":\"" + instant + "\"}");
                    case "PUT" -> {
                        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                        if (!"[admin]".equals(claims.get("groups"))) {
                            respond(exchange, 403, "application/problem+json", "{\"status\":403}");
                        } else if (!"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                            respond(exchange, 415, "application/problem+json", "{\"status\":415}");
                        } else if (failures > 0) {
                            failures--;
                            respond(exchange, 503, "application/problem+json", "{\"status\":503}");
                        } else {
                            puts.add(body);
                            Matcher m = Pattern.compile("\\{\"instant\":\"([^\"]+)\"\\}").matcher(body);
                            Instant target = m.matches() ? Instant.parse(m.group(1)) : null;
                            if (target == null) {
                                respond(exchange, 400, "application/problem+json", "{\"status\":400}");
                            } else if (target.isBefore(instant)) {
                                respond(exchange, 409, "application/problem+json",
                                        "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"the clock only moves forward\"}");
                            } else {
                                instant = target;
                                respond(exchange, 200, "application/json", "{\"instant\":\"" + instant + "\"}");
                            }
                        }
                    }
                    default -> respond(exchange, 405, "application/problem+json", "{\"status\":405}");
                }
            }
        }

        /** The claims of an RS256 token this stack's key signed: groups as "[a, b]", times as Long. */
        Map<String, Object> verify(String token) throws Exception {
            String[] parts = token.split("\\.");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a JWT");
            }
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(publicKey);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new IllegalArgumentException("bad signature");
            }
            String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            Matcher groups = Pattern.compile("\"groups\":\\[([^]]*)]").matcher(json);
            Matcher iat = Pattern.compile("\"iat\":(\\d+)").matcher(json);
            Matcher exp = Pattern.compile("\"exp\":(\\d+)").matcher(json);
            if (!groups.find() || !iat.find() || !exp.find()) {
                throw new IllegalArgumentException("claims missing: " + json);
            }
            return Map.of("groups", "[" + groups.group(1).replace("\"", "") + "]",
                    "iat", Long.parseLong(iat.group(1)), "exp", Long.parseLong(exp.group(1)));
        }

        private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
