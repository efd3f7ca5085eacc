package io.touchpoint.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

/**
 * On-site content decisions against a running stack (see README-content.md):
 * <ol>
 * <li>setup: two placements published through the API (stage banners by segment, with a Liquid
 * greeting; a landing page by the visit's traffic source and search term), and {@code --visitors}
 * profiles with an anonymousId and a lifecycle-stage membership published to Kafka as
 * profile-service and segmentation-service would, until the gateway's Redis copy holds them all;</li>
 * <li>decisions: {@code GET /v1/content/{placement}} open loop at {@code --rate} per second for
 * {@code --seconds} (after {@code --warmup-seconds} at the same rate, not counted), latency from each
 * request's intended start, over {@code --connections} keep-alive connections: a mix of known visitors
 * (banner and landing page with UTM parameters) and {@code --unknown-percent} unknown ones;</li>
 * <li>raw Redis, same run: {@code GET} of the same visitors' id keys over plain RESP, open loop at the
 * same rate through the same client loop, and closed loop for its ceiling; then decisions closed loop
 * for theirs.</li>
 * </ol>
 * Not an asserting test: it measures and writes a Markdown report.
 */
public final class ContentBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] STAGES = { "lifecycle-suspect", "lifecycle-prospect", "lifecycle-active-customer",
            "lifecycle-passive" };

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ContentBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        new ContentBenchmark(new Settings(args)).run();
    }

    /** One operation of a load, on its own thread's connection: true when it succeeded. */
    private interface Call {
        boolean call(int index) throws IOException;
    }

    record Load(String name, long ok, long errors, long notSent, double seconds, Histogram micros) {
        double perSecond() {
            return ok / seconds;
        }

        double p(double percentile) {
            return micros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private void run() throws Exception {
        String defaultState = System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint");
        Path state = Path.of(settings.string("state", defaultState)).toAbsolutePath();
        int visitors = settings.integer("visitors", 20_000);
        int rate = settings.integer("rate", 5_000);
        Duration time = settings.seconds("seconds", 30);
        Duration warmup = settings.seconds("warmup-seconds", 20);
        int connections = settings.integer("connections", 32);
        int unknownPercent = settings.integer("unknown-percent", 20);
        int closedConcurrency = settings.integer("closed-concurrency", 16);
        Duration closedTime = settings.seconds("closed-seconds", 10);
        String runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        Path out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("content-" + runId + ".md").toString()));
        settings.rejectUnknown();

        Map<String, String> env = Settings.readEnvFile(state.resolve("credentials.env"));
        String gateway = Settings.require(env, "TOUCHPOINT_CHANNEL_GATEWAY_URL");
        String token = Settings.require(env, "TOUCHPOINT_ADMIN_TOKEN");
        String writeKey = Settings.require(env, "TOUCHPOINT_WRITE_KEY");
        String bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        URI redis = URI.create(Settings.require(env, "TOUCHPOINT_DEVSTACK_REDIS_URL"));
        CpuSampler cpu = new CpuSampler(CpuSampler.stackProcesses(state), state);
        StringBuilder report = new StringBuilder("# Content benchmark " + runId + "\n\n")
                .append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", JDK ").append(Runtime.version()).append('\n')
                .append("- options: ").append(settings.used()).append("\n\n");

        // ---- setup
        String banner = "bench-banner-" + runId;
        String landing = "bench-landing-" + runId;
        publishPlacements(gateway, token, banner, landing);
        String prefix = "bench-" + runId + "-";
        long seeding = -System.nanoTime();
        seed(bootstrap, prefix, visitors);
        awaitCopied(redis, prefix, visitors, Duration.ofMinutes(10));
        seeding += System.nanoTime();
        log("%d visitors seeded and copied to Redis in %.1f s", visitors, seeding / 1e9);
        // The other services consume the same records (segments, journeys, analytics): on a small machine their
        // backlog would take the gateway's CPU during the measurement, so it is waited out first.
        long settling = -System.nanoTime();
        boolean settled;
        try (KafkaProbe kafka = new KafkaProbe(bootstrap)) {
            settled = Recipients.settle(kafka, Duration.ofMinutes(15));
        }
        settling += System.nanoTime();
        log("every consumer group caught up %.1f s later (%s)", settling / 1e9, settled);
        report.append(String.format(Locale.ROOT, "Setup: %d visitors (ProfileChanged with an anonymousId and a trait, one "
                + "lifecycle-stage SegmentMembershipChanged each) published to Kafka and copied into the gateway's Redis in %.1f s; "
                + "every consumer group of the stack %s %.1f s later, before any request.%n%n",
                visitors, seeding / 1e9, settled ? "had committed everything" : "STILL HAD A BACKLOG", settling / 1e9));

        // ---- requests: prepared before the phases, so the load loop only writes bytes
        URI base = URI.create(gateway);
        String authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        Random random = new Random(42);
        int total = (int) (rate * (warmup.toSeconds() + time.toSeconds())) + rate;
        List<byte[]> requests = new ArrayList<>(total);
        List<String> keys = new ArrayList<>(total);
        int unknown = 0;
        int landingCount = 0;
        for (int i = 0; i < total; i++) {
            boolean known = random.nextInt(100) >= unknownPercent;
            String anon = known ? prefix + random.nextInt(visitors) : "stranger-" + runId + "-" + i;
            unknown += known ? 0 : 1;
            String path;
            if (random.nextBoolean()) {
                path = "/v1/content/" + banner + "?anonymousId=" + anon;
            } else {
                landingCount++;
                String term = random.nextBoolean() ? "toto+jackpot" : "horse+racing+odds";
                path = "/v1/content/" + landing + "?anonymousId=" + anon + "&url="
                        + URLEncoder.encode("https://bet.example/?utm_source=google&utm_medium=cpc&utm_term=" + term,
                                StandardCharsets.UTF_8);
            }
            requests.add(KeepAliveHttpConnection.get(base, path, authorization));
            keys.add("touchpoint:gateway:visitor-id:a:" + anon);
        }
        report.append(String.format(Locale.ROOT, "Requests: %.0f%% unknown visitors, %.0f%% landing page with UTM "
                + "parameters (the rest the stage banner).%n%n", 100.0 * unknown / total, 100.0 * landingCount / total));

        // ---- decisions, open loop
        int warmupCount = (int) (rate * warmup.toSeconds());
        Load warm = load("warm-up", warmupCount, rate, connections, warmup, () -> new HttpCall(new KeepAliveHttpConnection(base), requests.subList(0, warmupCount)));
        log("warm-up: %.0f/s p99 %.2f ms (%d errors)", warm.perSecond(), warm.p(99), warm.errors());
        List<byte[]> measured = requests.subList(warmupCount, requests.size());
        CpuSampler.Snapshot before = cpu.snapshot();
        Load decisions = load("decisions", measured.size(), rate, connections, time,
                () -> new HttpCall(new KeepAliveHttpConnection(base), measured));
        Map<String, Double> decisionCpu = CpuSampler.coresUsed(before, cpu.snapshot());
        log("decisions: %.0f/s p50 %.2f p99 %.2f ms (%d errors, %d not sent)", decisions.perSecond(), decisions.p(50),
                decisions.p(99), decisions.errors(), decisions.notSent());

        // ---- raw Redis GET, same run, same client loop
        List<String> measuredKeys = keys.subList(warmupCount, keys.size());
        before = cpu.snapshot();
        Load raw = load("raw Redis GET", measuredKeys.size(), rate, connections, time, () -> redisGet(redis, measuredKeys));
        Map<String, Double> rawCpu = CpuSampler.coresUsed(before, cpu.snapshot());
        log("raw redis: %.0f/s p50 %.2f p99 %.2f ms", raw.perSecond(), raw.p(50), raw.p(99));

        // ---- ceilings, closed loop
        Load rawCeiling = load("raw Redis GET, closed loop", measuredKeys.size(), 0, closedConcurrency, closedTime,
                () -> redisGet(redis, measuredKeys));
        Load decisionCeiling = load("decisions, closed loop", measured.size(), 0, closedConcurrency, closedTime,
                () -> new HttpCall(new KeepAliveHttpConnection(base), measured));
        log("ceilings: decisions %.0f/s, raw redis %.0f/s", decisionCeiling.perSecond(), rawCeiling.perSecond());

        report.append("## Open loop at ").append(rate).append(" requests/s for ").append(time.toSeconds())
                .append(" s (latency from each request's intended start)\n\n")
                .append("| load | done/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | not sent |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n")
                .append(row(warm)).append(row(decisions)).append(row(raw))
                .append(String.format(Locale.ROOT, "%nTarget (p99 < 10 ms at %d/s, every request sent and answered): **%s** "
                        + "(p99 %.2f ms, %d errors, %d not sent).%n%n", rate,
                        decisions.p(99) < 10 && decisions.errors() == 0 && decisions.notSent() == 0 ? "met" : "not met",
                        decisions.p(99), decisions.errors(), decisions.notSent()))
                .append("CPU (cores) during the decisions and the raw Redis phase:\n\n")
                .append(cpuTable(decisionCpu, rawCpu)).append('\n')
                .append("## Ceilings, closed loop (").append(closedConcurrency).append(" clients, ").append(closedTime.toSeconds())
                .append(" s)\n\n")
                .append("| load | done/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | not sent |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n")
                .append(row(decisionCeiling)).append(row(rawCeiling))
                .append(String.format(Locale.ROOT, "%nDecisions at %.0f%% of raw Redis GET, closed loop.%n",
                        100.0 * decisionCeiling.perSecond() / rawCeiling.perSecond()));
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
        log("report written to %s", out);
    }

    private void publishPlacements(String gateway, String token, String banner, String landing) throws Exception {
        List<Map<String, Object>> stages = List.of(
                variant("active", 40, Map.of("inSegment", "lifecycle-active-customer"),
                        "<div class=\"banner\"><h2>Hi {{ profile.firstName | default: 'there' }}, today's starting lists</h2></div>"),
                variant("passive", 30, Map.of("inSegment", "lifecycle-passive"), "<div class=\"banner\"><h2>We miss you</h2></div>"),
                variant("prospect", 20, Map.of("inSegment", "lifecycle-prospect"), "<div class=\"banner\"><h2>Betting lists</h2></div>"),
                variant("suspect", 10, Map.of("inSegment", "lifecycle-suspect"), "<div class=\"banner\"><h2>Register now</h2></div>"),
                Map.of("key", "default", "priority", 0, "content", "<div class=\"banner\"><h2>Horse racing, live</h2></div>"));
        put(gateway, token, banner, Map.of("name", "Benchmark banner", "contentType", "html", "variants", stages));
        List<Map<String, Object>> pages = List.of(
                variant("jackpot", 30, Map.of("visit", "term", "operator", "contains", "value", "jackpot"),
                        Map.of("hero", "This week's jackpot", "searchedFor", "{{ visit.term }}")),
                variant("search", 20, Map.of("visit", "channel", "operator", "in", "value", List.of("search", "paid")),
                        Map.of("hero", "Today's races")),
                variant("social", 10, Map.of("visit", "channel", "operator", "equals", "value", "social"),
                        Map.of("page", "light-registration")),
                Map.of("key", "default", "priority", 0, "content", Map.of("page", "home")));
        put(gateway, token, landing, Map.of("name", "Benchmark landing page", "contentType", "json", "variants", pages));
    }

    private static Map<String, Object> variant(String key, int priority, Map<String, Object> rule, Object content) {
        return Map.of("key", key, "priority", priority, "rule", rule, "content", content);
    }

    private void put(String gateway, String token, String key, Map<String, Object> definition) throws Exception {
        send(HttpRequest.newBuilder(URI.create(gateway + "/v1/placements/" + key)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(definition))).build());
        send(HttpRequest.newBuilder(URI.create(gateway + "/v1/placements/" + key + "/publish"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private void send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }

    /** Each visitor: a profile change with its anonymousId and a first name, and one lifecycle stage. */
    private static void seed(String bootstrap, String prefix, int visitors) {
        try (var producer = new KafkaProducer<>(Map.<String, Object> of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < visitors; i++) {
                String profile = prefix + "profile-" + i;
                var change = new ProfileChanged(profile, 1, Set.of("created"), Map.of("firstName", "Visitor " + i,
                        "email", "v" + i + "@example.com"), Map.of("eventCount", 3, "latestTouchChannel", "search"), List.of(),
                        Map.of(), List.of(), null, now, Map.of("anonymousId", List.of(prefix + i)));
                producer.send(record(Topic.PROFILE_CHANGES, profile, EventTypes.PROFILE_CHANGED, change, now));
                var membership = new SegmentMembershipChanged(profile, STAGES[i % STAGES.length], 1, true, now);
                producer.send(record(Topic.SEGMENT_MEMBERSHIPS, profile, EventTypes.SEGMENT_MEMBERSHIP_CHANGED, membership, now));
            }
            producer.flush();
        }
    }

    private static ProducerRecord<String, byte[]> record(Topic topic, String key, String type, Object event, Instant at) {
        var record = new ProducerRecord<>(topic.topicName(), key, EventJson.write(event));
        CloudEventHeaders.write(record.headers(), new CloudEventAttributes(UUID.randomUUID().toString(), type,
                URI.create("/touchpoint/benchmark"), at, key));
        return record;
    }

    /** Waits until every visitor's id key is in Redis (the gateway's copy), checking in pipelined batches. */
    private static void awaitCopied(URI redis, String prefix, int visitors, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        int from = 0;
        try (Socket socket = new Socket(redis.getHost(), redis.getPort())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (from < visitors) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + from + " of " + visitors + " visitors reached Redis in " + limit);
                }
                int to = Math.min(visitors, from + 1000);
                StringBuilder batch = new StringBuilder();
                for (int i = from; i < to; i++) {
                    batch.append(command("EXISTS", "touchpoint:gateway:visitor-id:a:" + prefix + i));
                }
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                int present = from;
                boolean gap = false;
                for (int i = from; i < to; i++) {
                    String reply = line(in);
                    if (!gap && reply.equals(":1")) {
                        present = i + 1;
                    } else {
                        gap = true;
                    }
                }
                if (present == from) {
                    Thread.sleep(500);
                }
                from = present;
            }
        }
    }

    /** Sends the prepared request at the index through one keep-alive connection of its own. */
    private record HttpCall(KeepAliveHttpConnection connection, List<byte[]> requests) implements Call {
        @Override
        public boolean call(int index) throws IOException {
            return connection.exchange(requests.get(index)) == 200;
        }
    }

    private static Call redisGet(URI redis, List<String> keys) {
        try {
            Socket socket = new Socket(redis.getHost(), redis.getPort());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            return index -> {
                out.write(command("GET", keys.get(index)).getBytes(StandardCharsets.UTF_8));
                out.flush();
                String head = line(in);
                if (head.startsWith("-")) {
                    return false;
                }
                int length = Integer.parseInt(head.substring(1));
                if (length >= 0) {
                    in.readNBytes(length + 2);
                }
                return true;
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code count} operations from {@code threads} threads, each with its own connection. With a
     * rate, open loop: operation i is due at i / rate seconds whatever the earlier answers did, and
     * its latency counts from that intended start (a stall is charged to every operation it delays);
     * operations not due within {@code time}, or not started by twice it, are not sent. Without a
     * rate (0), closed loop for {@code time}. The same loop serves the gateway and raw Redis, so the
     * two figures differ only by what is behind the socket.
     */
    private static Load load(String name, int count, int rate, int threads, Duration time, Supplier<Call> perThread)
            throws InterruptedException {
        List<Histogram> histograms = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong attempted = new AtomicLong();
        AtomicLong last = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        long[] startedAt = new long[1];
        double interval = rate > 0 ? 1e9 / rate : 0;
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram mine = new Histogram(60_000_000L, 3);
            histograms.add(mine);
            Thread thread = new Thread(() -> {
                Call call = perThread.get();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = startedAt[0] + time.toNanos();
                long lastStart = deadline + time.toNanos();
                int index;
                while ((index = next.getAndIncrement()) < count) {
                    long intended = rate > 0 ? startedAt[0] + (long) (index * interval) : System.nanoTime();
                    if (intended > deadline || System.nanoTime() > lastStart) {
                        break;
                    }
                    long wait;
                    while ((wait = intended - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    attempted.incrementAndGet();
                    boolean done;
                    try {
                        done = call.call(index);
                    } catch (IOException e) {
                        done = false;
                    }
                    long answered = System.nanoTime();
                    last.accumulateAndGet(answered, Math::max);
                    if (done) {
                        mine.recordValue(Math.max(1, Math.min(60_000_000L, (answered - intended) / 1000)));
                        ok.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                }
            }, name + "-" + t);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
        startedAt[0] = System.nanoTime();
        start.countDown();
        for (Thread thread : clients) {
            thread.join(2 * time.toMillis() + 60_000);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        long due = rate > 0 ? Math.min(count, (long) (time.toNanos() / interval) + 1) : attempted.get();
        return new Load(name, ok.get(), errors.get(), Math.max(0, due - attempted.get()),
                Math.max(1, last.get() - startedAt[0]) / 1e9, all);
    }

    private static String row(Load l) {
        return String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d |%n", l.name(), l.perSecond(),
                l.p(50), l.p(90), l.p(99), l.p(99.9), l.micros().getMaxValue() / 1000.0, l.errors(), l.notSent());
    }

    private static String cpuTable(Map<String, Double> decisions, Map<String, Double> raw) {
        StringBuilder table = new StringBuilder("| process | decisions | raw Redis GET |\n|---|---|---|\n");
        java.util.Set<String> roles = new java.util.TreeSet<>(decisions.keySet());
        roles.addAll(raw.keySet());
        for (String role : roles) {
            table.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", role, decisions.getOrDefault(role, 0.0),
                    raw.getOrDefault(role, 0.0)));
        }
        return table.toString();
    }

    private static String command(String... parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            b.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("redis closed the connection");
            }
            b.append((char) c);
        }
        in.read();
        return b.toString();
    }

    private static void log(String format, Object... args) {
        System.err.printf("[content-benchmark] " + format + "%n", args);
    }
}
