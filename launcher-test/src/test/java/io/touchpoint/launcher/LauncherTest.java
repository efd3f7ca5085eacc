package io.touchpoint.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real launcher against the services this build packaged: {@code up --detach}, {@code down},
 * {@code up} again at once (here with the simulated clock), {@code down}, on a port range of its own
 * and a fresh TOUCHPOINT_HOME, so a stack a developer runs on 8080 is not disturbed.
 */
class LauncherTest {

    private static final List<String> SERVICES = List.of("channel-gateway", "profile-service", "segmentation-service",
            "journey-service", "analytics-service");
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path home;
    private static int base;
    private static Launcher launcher;

    @BeforeAll
    static void freshHome() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        home = Files.createTempDirectory(target, "launcher-home-");
        base = FreePorts.range(SERVICES.size());
        launcher = new Launcher(home, Map.of(
                "TOUCHPOINT_PORT_BASE", Integer.toString(base),
                // The build that runs this test has just packaged every module: a launcher that still
                // wanted to build would start a nested Maven build of this reactor. Fail instead.
                "TOUCHPOINT_BUILD", "never",
                "TOUCHPOINT_READY_TIMEOUT", "180"));
    }

    @AfterAll
    static void stopWhateverRuns() throws Exception {
        if (launcher != null && Files.exists(home.resolve("run").resolve("devstack.pid"))) {
            launcher.run(DOWN_TIMEOUT, "down");
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void upDownAndUpAgainAtOnceLeaveNothingBehindAndShowNoSecret() throws Exception {
        Set<Integer> ports = new HashSet<>();

        Launcher.Result up = launcher.run(UP_TIMEOUT, "up", "--detach");
        assertEquals(0, up.exitCode(), up.describe());
        assertTrue(up.stdout().contains("Touchpoint is ready."), up.describe());
        assertTrue(up.stdout().contains("http://localhost:" + base), up.describe());
        assertEveryServiceReady();
        ports.addAll(portsOfTheRun());
        assertNoSecretInAnyCommandLine();
        assertOnlyTheUserReadsSecretFiles();
        for (String svc : SERVICES) {
            assertFalse(Procs.environ(pidOf(svc)).contains("TOUCHPOINT_CLOCK_SIMULATED="), svc + " on the real clock");
        }
        Launcher.Result status = launcher.run(Duration.ofSeconds(30), "status");
        assertTrue(status.stdout().contains("channel-gateway        running") && status.stdout().contains(":" + (base + 4)),
                status.describe());

        Launcher.Result token = launcher.run(Duration.ofSeconds(60), "token", "--role", "analyst");
        assertEquals(0, token.exitCode(), token.describe());
        String[] jwt = token.stdout().trim().split("\\.");
        assertEquals(3, jwt.length, "a JWT has three parts: " + token.stdout());
        String claims = new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"groups\":[\"analyst\"]"), claims);
        // The analyst token is accepted, by the verifier the services run with.
        HttpResponse<String> withToken = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + (base + 4) + "/q/openapi"))
                .header("Authorization", "Bearer " + token.stdout().trim()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, withToken.statusCode());

        down();
        assertNothingOfTheRunLeft(ports);

        // At once, in the same home: the stopped run's guardian must leave the new servers alone.
        Launcher.Result again = launcher.run(UP_TIMEOUT, "up", "--detach", "--simulated-clock");
        assertEquals(0, again.exitCode(), again.describe());
        assertEveryServiceReady();
        ports.addAll(portsOfTheRun());
        assertTrue(Files.exists(home.resolve("run").resolve("clock")), "the run records that its clock is simulated");
        for (String svc : SERVICES) {
            String env = Procs.environ(pidOf(svc));
            assertTrue(env.contains("\nTOUCHPOINT_CLOCK_SIMULATED=true\n") || env.startsWith("TOUCHPOINT_CLOCK_SIMULATED=true\n"), svc);
            assertTrue(env.contains("\nQUARKUS_PROFILE=dev\n") || env.startsWith("QUARKUS_PROFILE=dev\n"), svc);
        }
        assertNoSecretInAnyCommandLine();
        theBettingOperatorsExamplesApplyAndASignUpEntersTheWelcomeJourney();
        aBetLeavesItsThirtyDayWindowWhenTheSimulatedClockPassesIt();
        aJourneyServiceKilledMidJourneyLosesAndRepeatsNoStep();

        down();
        assertNothingOfTheRunLeft(ports);
    }

    /**
     * A new user's first minutes: {@code ./touchpoint apply examples/betting-operator} installs the
     * operator's segment, templates, journeys and goals (again: nothing changes), a sign-up tracked through the
     * gateway enters the welcome journey through profile-service's change stream, the welcome email is
     * read back over IMAP, and its one-click unsubscribe withdraws the consent in the profile.
     */
    private static void theBettingOperatorsExamplesApplyAndASignUpEntersTheWelcomeJourney() throws Exception {
        Launcher.Result applied = launcher.run(Duration.ofSeconds(120), "apply", "examples/betting-operator");
        assertEquals(0, applied.exitCode(), applied.describe());
        assertTrue(applied.stdout().contains("journey Welcome and four lessons: created, published as version 1"), applied.describe());
        assertTrue(applied.stdout().contains("segment Active bettors: created"), applied.describe());
        assertTrue(applied.stdout().contains("template welcome: created, published as version 1"), applied.describe());
        assertTrue(applied.stdout().contains("template win-back-90: created, published as version 1"), applied.describe());
        assertTrue(applied.stdout().contains("goal bets: created"), applied.describe());
        assertTrue(applied.stdout().contains("template jackpot: created, published as version 1"), applied.describe());
        Launcher.Result again = launcher.run(Duration.ofSeconds(120), "apply", "examples/betting-operator");
        assertEquals(0, again.exitCode(), again.describe());
        assertTrue(again.stdout().contains("journey Welcome and four lessons: unchanged"), again.describe());
        assertTrue(again.stdout().contains("template welcome: unchanged"), again.describe());
        assertTrue(!again.stdout().contains("template lesson-1: updated"), again.describe());
        assertTrue(again.stdout().contains("goal bets: unchanged"), again.describe());

        Map<String, String> credentials = credentials();
        String admin = "Bearer " + credentials.get("TOUCHPOINT_ADMIN_TOKEN");
        String user = "new-user-" + System.nanoTime();
        String basic = "Basic " + Base64.getEncoder().encodeToString((credentials.get("TOUCHPOINT_WRITE_KEY") + ":")
                .getBytes(StandardCharsets.UTF_8));
        String email = user + "@example.com";
        HttpResponse<String> identified = send("POST", "http://localhost:" + base + "/v1/identify", basic,
                "{\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + email + "\",\"firstName\":\"Ada\"},"
                        + "\"context\":{\"consent\":{\"categoryPreferences\":{\"email\":true}}}}");
        assertEquals(200, identified.statusCode(), identified.body());
        HttpResponse<String> tracked = send("POST", "http://localhost:" + base + "/v1/track", basic,
                "{\"userId\":\"" + user + "\",\"event\":\"Signed Up\"}");
        assertEquals(200, tracked.statusCode(), tracked.body());
        String[] profile = new String[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> found = send("GET", "http://localhost:" + (base + 1) + "/v1/profiles?userId=" + user, admin, null);
            profile[0] = found.statusCode() == 200 ? field(found.body(), "id") : null;
            return profile[0] != null;
        });
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String journeys = send("GET", "http://localhost:" + (base + 3) + "/v1/profiles/" + profile[0] + "/journeys", admin, null).body();
            return journeys.contains("\"state\":\"waiting\"") && journeys.contains("message requested");
        });

        // The welcome email, read over the stack's IMAP as the new user's mail client would, with its RFC 8058 headers.
        Mail.Message welcome = await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Mail.inbox(imapPort(), email), m -> !m.isEmpty()).get(0);
        assertEquals("Welcome to Toto, Ada", welcome.subject(), welcome.toString());
        assertEquals("List-Unsubscribe=One-Click", welcome.header("List-Unsubscribe-Post"), welcome.toString());
        assertEquals(null, welcome.header("Cc"), welcome.toString());
        var link = java.util.regex.Pattern.compile("<(http://localhost:" + base + "/v1/unsubscribe/[A-Za-z0-9._-]+)>")
                .matcher(String.valueOf(welcome.header("List-Unsubscribe")));
        assertTrue(link.find(), welcome.toString());

        // One click withdraws the consent in the profile, through the interactions topic.
        HttpResponse<String> clicked = HTTP.send(HttpRequest.newBuilder(URI.create(link.group(1))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, clicked.statusCode(), clicked.body());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> send("GET",
                "http://localhost:" + (base + 1) + "/v1/profiles/" + profile[0] + "/consent", admin, null).body()
                .contains("\"channel\":\"email\",\"topic\":\"onboarding\",\"status\":\"withdrawn\""));
        // The retailer's examples too (presets, a segment named by @segment:, templates, a monthly
        // schedule), after the sign-up: its introductory offer also answers "Signed Up".
        Launcher.Result mailOrder = launcher.run(Duration.ofSeconds(120), "apply", "examples/mail-order");
        assertEquals(0, mailOrder.exitCode(), mailOrder.describe());
        assertTrue(mailOrder.stdout().contains("journey Monthly negative-option offer: created, published as version 1"),
                mailOrder.describe());
        assertTrue(mailOrder.stdout().contains("webhook endpoint fulfilment-partner: created; its signing secret"), mailOrder.describe());
        assertTrue(mailOrder.stdout().contains("template ship-order: created, published as version 1"), mailOrder.describe());
        Launcher.Result mailOrderAgain = launcher.run(Duration.ofSeconds(120), "apply", "examples/mail-order");
        assertEquals(0, mailOrderAgain.exitCode(), mailOrderAgain.describe());
        assertTrue(mailOrderAgain.stdout().contains("webhook endpoint fulfilment-partner: unchanged"), mailOrderAgain.describe());
        assertTrue(mailOrderAgain.stdout().contains("template parcel-arrived: unchanged"), mailOrderAgain.describe());

        // A journey naming a template the gateway does not have is refused before it is saved, naming its node;
        // so is one whose template has no content for the node's channel.
        Launcher.Result typo = applyOneJourney("Welcome with a typo", "welcome-typo", "email");
        assertEquals(1, typo.exitCode(), typo.describe());
        assertTrue(typo.stderr().contains("node \"hello\" sends template \"welcome-typo\", which the gateway does not have"),
                typo.describe());
        assertFalse(send("GET", "http://localhost:" + (base + 3) + "/v1/journeys?limit=200", admin, null).body().contains("Welcome with a typo"));
        Launcher.Result noSms = applyOneJourney("Welcome by SMS", "welcome", "sms");
        assertEquals(1, noSms.exitCode(), noSms.describe());
        assertTrue(noSms.stderr().contains("its published version has no sms content"), noSms.describe());
    }

    /** {@code ./touchpoint apply} of a folder holding one journey: a sign-up answered by one send of {@code template} on {@code channel}. */
    private static Launcher.Result applyOneJourney(String name, String template, String channel) throws Exception {
        Path folder = Files.createTempDirectory("touchpoint-apply");
        Files.createDirectories(folder.resolve("journeys"));
        Files.writeString(folder.resolve("journeys").resolve("journey.json"), """
                {"name": "%s", "trigger": {"event": "Signed Up"},
                 "nodes": [{"id": "hello", "type": "send", "template": "%s", "channel": "%s", "topic": "onboarding", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(name, template, channel));
        return launcher.run(Duration.ofSeconds(120), "apply", folder.toString());
    }

    private static int imapPort() throws IOException {
        for (String line : Files.readAllLines(home.resolve("devstack").resolve("endpoints.properties"))) {
            if (line.startsWith("imap.port=")) {
                return Integer.parseInt(line.substring("imap.port=".length()).trim());
            }
        }
        throw new IllegalStateException("the devstack wrote no imap.port");
    }

    /**
     * What a marketer does on the simulated stack: a segment of bettors of the last 30 days, a bet
     * tracked through the gateway, then {@code clock advance}: at 29 days the bettor is still in,
     * past 30 the segment lets them go, with no event but the clock's. Every service reads the
     * instant the launcher set.
     */
    private static void aBetLeavesItsThirtyDayWindowWhenTheSimulatedClockPassesIt() throws Exception {
        Map<String, String> credentials = credentials();
        String admin = "Bearer " + credentials.get("TOUCHPOINT_ADMIN_TOKEN");
        String gateway = "http://localhost:" + base;
        String segmentation = "http://localhost:" + (base + 2);
        String profiles = "http://localhost:" + (base + 1);

        HttpResponse<String> created = send("POST", segmentation + "/v1/segments", admin,
                "{\"name\":\"bet in the last 30 days\",\"state\":\"active\","
                        + "\"condition\":{\"event\":\"Bet Placed\",\"withinLastDays\":30}}");
        assertEquals(201, created.statusCode(), created.body());
        String segment = field(created.body(), "id");

        String user = "bettor-" + System.nanoTime();
        String basic = "Basic " + Base64.getEncoder().encodeToString((credentials.get("TOUCHPOINT_WRITE_KEY") + ":")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> tracked = send("POST", gateway + "/v1/track", basic,
                "{\"userId\":\"" + user + "\",\"event\":\"Bet Placed\",\"properties\":{\"stake\":5}}");
        assertEquals(200, tracked.statusCode(), tracked.body());

        String[] profile = new String[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> found = send("GET", profiles + "/v1/profiles?userId=" + user, admin, null);
            profile[0] = found.statusCode() == 200 ? field(found.body(), "id") : null;
            return profile[0] != null;
        });
        String memberships = segmentation + "/v1/profiles/" + profile[0] + "/segments";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> send("GET", memberships, admin, null).body().contains(segment));

        String before = field(send("GET", gateway + "/v1/dev/clock", admin, null).body(), "instant");
        Launcher.Result advanced = launcher.run(Duration.ofSeconds(60), "clock", "advance", "29d");
        assertEquals(0, advanced.exitCode(), advanced.describe());
        Instant target = Instant.parse(before).plus(Duration.ofDays(29));
        for (int i = 0; i < SERVICES.size(); i++) {
            Instant instant = Instant.parse(field(send("GET", "http://localhost:" + (base + i) + "/v1/dev/clock", admin, null)
                    .body(), "instant"));
            assertTrue(!instant.isBefore(target) && instant.isBefore(target.plus(Duration.ofMinutes(5))),
                    SERVICES.get(i) + " reads " + instant + ", the launcher set about " + target);
        }
        // Evaluated now, on the moved clock: 29 days after the bet it still holds, and says when it stops.
        HttpResponse<String> explained = send("GET", segmentation + "/v1/segments/" + segment + "/explain/" + profile[0], admin, null);
        assertTrue(explained.body().contains("\"matches\":true"), explained.body());
        assertTrue(Instant.parse(field(explained.body(), "nextChangeAt")).isAfter(target), explained.body());

        Launcher.Result past = launcher.run(Duration.ofSeconds(60), "clock", "advance", "2d");
        assertEquals(0, past.exitCode(), past.describe());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> !send("GET", memberships, admin, null).body().contains(segment));
    }

    /**
     * {@code restart journey-service --kill} (SIGKILL: no shutdown, transactions cut off) right after
     * 500 sign-ups reach the gateway, and again right after the clock makes their 1-day waits due:
     * every instance still enters once and takes each step once, on the instant the stack reads.
     */
    private static void aJourneyServiceKilledMidJourneyLosesAndRepeatsNoStep() throws Exception {
        Map<String, String> credentials = credentials();
        String admin = "Bearer " + credentials.get("TOUCHPOINT_ADMIN_TOKEN");
        String journeys = "http://localhost:" + (base + 3);
        String event = "Restart Check " + System.nanoTime();
        HttpResponse<String> created = send("POST", journeys + "/v1/journeys", admin, """
                {"name": "%s", "trigger": {"event": "%s"},
                 "nodes": [{"id": "first", "type": "send", "template": "first", "next": "wait"},
                           {"id": "wait", "type": "wait", "duration": "P1D", "next": "second"},
                           {"id": "second", "type": "send", "template": "second", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(event, event));
        assertEquals(201, created.statusCode(), created.body());
        String journey = field(created.body(), "id");
        assertEquals(200, send("POST", journeys + "/v1/journeys/" + journey + "/publish", admin, null).statusCode());

        int people = 500;
        String run = Long.toString(System.nanoTime());
        StringBuilder batch = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < people; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"userId\": \"restart-").append(run).append('-')
                    .append(i).append("\", \"event\": \"").append(event).append("\"}");
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString((credentials.get("TOUCHPOINT_WRITE_KEY") + ":")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> accepted = send("POST", "http://localhost:" + base + "/v1/batch", basic, batch.append("]}").toString());
        assertEquals(200, accepted.statusCode(), accepted.body());
        Launcher.Result killed = launcher.run(Duration.ofMinutes(4), "restart", "journey-service", "--kill");
        assertEquals(0, killed.exitCode(), killed.describe());
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> count(send("GET", journeys + "/v1/journeys/" + journey, admin, null).body(), "wait", "waiting") == people);

        Launcher.Result advanced = launcher.run(Duration.ofSeconds(60), "clock", "advance", "1d");
        assertEquals(0, advanced.exitCode(), advanced.describe());
        Launcher.Result killedAgain = launcher.run(Duration.ofMinutes(4), "restart", "journey-service", "--kill");
        assertEquals(0, killedAgain.exitCode(), killedAgain.describe());
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> count(send("GET", journeys + "/v1/journeys/" + journey, admin, null).body(), "done", "exited") == people);

        String profiles = "http://localhost:" + (base + 1);
        for (int i = 0; i < people; i++) {
            HttpResponse<String> found = send("GET", profiles + "/v1/profiles?userId=restart-" + run + "-" + i, admin, null);
            String trace = send("GET", journeys + "/v1/profiles/" + field(found.body(), "id") + "/journeys", admin, null).body();
            assertEquals(2, occurrences(trace, "message requested"), "each step once: " + trace);
            assertEquals(1, occurrences(trace, "\"journeyId\":\"" + journey + "\""), "entered once: " + trace);
        }
    }

    /** {@code "nodes": {"wait": {"waiting": 200}}}: how many instances are in that state at that node. */
    private static long count(String journeyJson, String node, String state) {
        var matcher = java.util.regex.Pattern.compile("\"" + node + "\"\\s*:\\s*\\{[^}]*\"" + state + "\"\\s*:\\s*(\\d+)")
                .matcher(journeyJson);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private static HttpResponse<String> send(String method, String url, String authorization, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization);
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A top-level string member of a small JSON object, without a JSON library on this module's classpath. */
    private static String field(String json, String name) {
        var matcher = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static void down() throws Exception {
        Launcher.Result down = launcher.run(DOWN_TIMEOUT, "down");
        assertEquals(0, down.exitCode(), down.describe());
    }

    private static long pidOf(String svc) throws IOException {
        return Long.parseLong(Files.readString(home.resolve("run").resolve(svc + ".pid")).trim());
    }

    private static void assertEveryServiceReady() {
        // 'up' returned once every service was ready; this only guards against a check that lies.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (int i = 0; i < SERVICES.size(); i++) {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + (base + i) + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                assertEquals(200, ready.statusCode(), SERVICES.get(i) + " on " + (base + i));
            }
        });
    }

    /** Every port the run's processes listen on: the services' and the devstack's (Kafka, PostgreSQL, Redis, SMTP, IMAP). */
    private static Set<Integer> portsOfTheRun() {
        Set<Long> pids = new HashSet<>(Procs.pidsWithCommandLineContaining(home.toString()));
        assertFalse(pids.isEmpty());
        Set<Integer> ports = Procs.listeningPortsOf(pids);
        IntStream.range(base, base + SERVICES.size()).forEach(p -> assertTrue(ports.contains(p), "service port " + p + " in " + ports));
        assertTrue(ports.size() >= SERVICES.size() + 5, "the devstack's ports too: " + ports);
        return ports;
    }

    private static void assertNothingOfTheRunLeft(Set<Integer> ports) {
        // Checked the moment 'down' returned: it waits for every process of the run.
        List<Long> left = Procs.pidsWithCommandLineContaining(home.toString());
        assertTrue(left.isEmpty(), "processes of the run after down:\n" + Procs.describe(left));
        Map<Integer, Set<Long>> listening = Procs.listeningPorts();
        List<String> stillListening = new ArrayList<>();
        for (int port : ports) {
            Set<Long> owners = listening.get(port);
            if (owners == null) {
                continue;
            }
            // The devstack's ports are ephemeral ones: another program may have been given one since.
            boolean servicePort = port >= base && port < base + SERVICES.size();
            boolean ours = owners.isEmpty() || owners.stream().anyMatch(pid -> Procs.commandLine(pid).contains(home.toString()));
            if (servicePort || ours) {
                stillListening.add(port + " " + owners);
            }
        }
        assertTrue(stillListening.isEmpty(), "ports of the run still listening after down: " + stillListening);
    }

    private static void assertNoSecretInAnyCommandLine() throws Exception {
        Map<String, String> credentials = credentials();
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the default source's write key", credentials.get("TOUCHPOINT_WRITE_KEY"));
        secrets.put("the admin token", credentials.get("TOUCHPOINT_ADMIN_TOKEN"));
        secrets.put("the marketer token", credentials.get("TOUCHPOINT_MARKETER_TOKEN"));
        secrets.put("the analyst token", credentials.get("TOUCHPOINT_ANALYST_TOKEN"));
        secrets.put("a datasource password option", "datasource.password");
        secrets.put("a write key option", "write-key");
        secrets.put("a private key", "PRIVATE KEY");
        secrets.values().forEach(v -> assertTrue(v != null && !v.isBlank(), "credentials.env: " + credentials.keySet()));

        Process ps = new ProcessBuilder("ps", "-eww", "-o", "args").redirectErrorStream(true).start();
        String psOutput = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ps.waitFor(30, TimeUnit.SECONDS));
        assertTrue(psOutput.contains(home.toString()), "ps shows the run's processes");
        StringBuilder all = new StringBuilder(psOutput);
        Procs.allPids().forEach(pid -> all.append('\n').append(Procs.commandLine(pid)));
        assertAll(secrets.entrySet().stream().map(s -> () ->
                assertFalse(all.indexOf(s.getValue()) >= 0, s.getKey() + " shows in ps")));
    }

    private static void assertOnlyTheUserReadsSecretFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(home.resolve("credentials.env"), home.resolve("default-write-key")));
        SERVICES.forEach(svc -> files.add(home.resolve("run").resolve(svc + ".properties")));
        for (Path file : files) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(file), file.toString());
        }
        String gateway = Files.readString(home.resolve("run").resolve("channel-gateway.properties"));
        assertTrue(gateway.contains("touchpoint.gateway.default-source.write-key=" + credentials().get("TOUCHPOINT_WRITE_KEY")));
        assertTrue(gateway.contains("quarkus.http.port=" + base));
    }

    private static Map<String, String> credentials() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(home.resolve("credentials.env"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
