package io.touchpoint.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

/**
 * Segmentation against a running stack (see README-segmentation.md), three phases:
 * <ol>
 * <li>bulk: {@code --profiles} snapshots are generated straight into segmentation's PostgreSQL, then
 * an active segment is created through the API; profiles/s is the generated count over the time
 * until its membership count reaches the expected size;</li>
 * <li>lookups: {@code GET /v1/profiles/{id}/segments} from {@code --concurrency} closed-loop clients
 * for {@code --lookup-seconds}, next to raw Redis {@code HGETALL} of the same cache keys from as
 * many connections in the same run;</li>
 * <li>event to membership change: ProfileChanged events published to Kafka at {@code --event-rate}
 * per second, each moving a fresh profile into the segment; latency from the send to the
 * SegmentMembershipChanged read back from Kafka.</li>
 * </ol>
 * Not an asserting test: it measures and writes a Markdown report.
 */
public final class SegmentationBenchmark {

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SegmentationBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        new SegmentationBenchmark(new Settings(args)).run();
    }

    private void run() throws Exception {
        String defaultState = System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint");
        Path state = Path.of(settings.string("state", defaultState)).toAbsolutePath();
        int profiles = settings.integer("profiles", 1_000_000);
        int concurrency = settings.integer("concurrency", 16);
        // The hot set read in the lookup phase: each is read once first, so the phase measures cached reads.
        int lookupProfiles = settings.integer("lookup-profiles", 2_000);
        Duration lookupTime = settings.seconds("lookup-seconds", 20);
        // Long enough for the service's JIT to settle on this 2-core box (3 s left C2 busy into the measurement).
        Duration warmup = settings.seconds("warmup-seconds", 10);
        int eventRate = settings.integer("event-rate", 50);
        Duration eventTime = settings.seconds("event-seconds", 20);
        // The first second or so after the lookups runs slow (the measuring consumer's first fetches, the
        // service's event path after a phase of reads): published at the same rate, timed apart, not counted.
        Duration eventWarmup = settings.seconds("event-warmup-seconds", 5);
        Duration bulkLimit = settings.seconds("bulk-limit-seconds", 900);
        // socket: one blocking keep-alive connection per client thread, as cheap for the client as the raw Redis loop;
        // jdk: java.net.http.HttpClient (what earlier runs used; far more client CPU per request).
        String httpClient = settings.string("http-client", "socket");
        if (!httpClient.equals("socket") && !httpClient.equals("jdk")) {
            throw new IllegalArgumentException("--http-client must be socket or jdk");
        }
        // Diagnostics only (skews the figures): record segmentation-service's CPU samples during the API lookups.
        boolean jfr = Boolean.parseBoolean(settings.string("jfr", "false"));
        String runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        Path out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("segmentation-" + runId + ".md").toString()));
        settings.rejectUnknown();

        Map<String, String> env = Settings.readEnvFile(state.resolve("credentials.env"));
        String api = Settings.require(env, "TOUCHPOINT_SEGMENTATION_URL");
        String token = Settings.require(env, "TOUCHPOINT_ADMIN_TOKEN");
        String bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        URI redis = URI.create(Settings.require(env, "TOUCHPOINT_DEVSTACK_REDIS_URL"));
        String jdbc = "jdbc:postgresql://" + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_HOST") + ":"
                + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PORT") + "/touchpoint_segmentation";
        Map<String, Long> roots = CpuSampler.stackProcesses(state);
        CpuSampler cpu = new CpuSampler(roots, state);
        StringBuilder report = new StringBuilder("# Segmentation benchmark " + runId + "\n\n")
                .append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", JDK ").append(Runtime.version()).append('\n')
                .append("- options: ").append(settings.used()).append("\n\n");

        try (Connection db = DriverManager.getConnection(jdbc, Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_USER"),
                Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD"))) {
            // ---- bulk
            String prefix = "bench-" + runId + "-";
            long generated = -System.nanoTime();
            try (PreparedStatement s = db.prepareStatement("""
                    INSERT INTO profile_snapshot (profile_id, version, traits, computed, consents, updated_at)
                    SELECT ? || lpad(g::text, 8, '0'), 1,
                           jsonb_build_object('plan', (ARRAY['gold','silver','bronze'])[1 + g % 3], 'score', g % 100,
                                              'email', 'p' || g || '@example.com'),
                           jsonb_build_object('lifetimeValue', g % 1000), '[]'::jsonb, now() - interval '1 day'
                    FROM generate_series(1, ?) AS g""")) {
                s.setString(1, prefix);
                s.setInt(2, profiles);
                s.executeUpdate();
            }
            generated += System.nanoTime();
            long expected = 0;
            for (int g = 1; g <= profiles; g++) {
                if (g % 3 == 0 && g % 100 >= 50) {
                    expected++;
                }
            }
            long known = count(db, "SELECT count(*) FROM profile_snapshot", null);
            log("generated %d snapshots in %.1f s (%d known); creating the segment", profiles, generated / 1e9, known);
            String segment = createSegment(api, token, """
                    {"name":"bench gold %s","state":"active","condition":{"all":[
                      {"trait":"plan","operator":"equals","value":"gold"},
                      {"trait":"score","operator":"gte","value":50},
                      {"trait":"email","operator":"starts_with","value":"p"}]}}""".formatted(runId));
            long bulkStart = System.nanoTime();
            long size = 0;
            while (size < expected && System.nanoTime() - bulkStart < bulkLimit.toNanos()) {
                Thread.sleep(250);
                size = count(db, "SELECT count(*) FROM membership WHERE segment_id = ?", segment);
            }
            double bulkSeconds = (System.nanoTime() - bulkStart) / 1e9;
            report.append("## Bulk computation\n\n")
                    .append(String.format(Locale.ROOT, "- %,d profiles known (%,d generated for this run), segment of %,d members: "
                            + "%s in %.1f s → **%,.0f profiles/s** (all known profiles are evaluated)%n%n", known, profiles,
                            expected, size >= expected ? "complete" : "NOT complete (" + size + ")", bulkSeconds,
                            known / bulkSeconds));
            log("bulk pass: %d of %d members in %.1f s", size, expected, bulkSeconds);

            // ---- lookups
            List<String> ids = new ArrayList<>();
            for (int g = 1; g <= Math.min(profiles, lookupProfiles); g++) {
                ids.add(prefix + String.format("%08d", g));
            }
            readEachOnce(api, token, ids, concurrency); // a miss reads PostgreSQL and fills the cache
            lookups(httpClient, api, token, ids, concurrency, warmup); // warm the JIT
            Path jfrFile = out.toAbsolutePath().getParent().resolve("segmentation-lookups-" + runId + ".jfr");
            if (jfr) {
                Files.createDirectories(jfrFile.getParent());
                IngestionBenchmark.jcmd(roots.get("segmentation-service"), "JFR.start", "name=bench", "settings=profile",
                        "filename=" + jfrFile);
            }
            long servicePid = roots.getOrDefault("segmentation-service", -1L);
            Map<String, Double> threadsBefore = CpuSampler.threads(servicePid);
            CpuSampler.Snapshot apiCpuBefore = cpu.snapshot();
            Load api1 = lookups(httpClient, api, token, ids, concurrency, lookupTime);
            CpuSampler.Snapshot apiCpuAfter = cpu.snapshot();
            Map<String, Double> apiCpu = CpuSampler.coresUsed(apiCpuBefore, apiCpuAfter);
            Map<String, Double> serviceThreads = CpuSampler.threadCores(threadsBefore, CpuSampler.threads(servicePid),
                    (apiCpuAfter.nanoTime() - apiCpuBefore.nanoTime()) / 1e9);
            if (jfr) {
                IngestionBenchmark.jcmd(roots.get("segmentation-service"), "JFR.stop", "name=bench");
                log("segmentation-service JFR recording of the API lookups: %s", jfrFile);
            }
            CpuSampler.Snapshot rawCpuBefore = cpu.snapshot();
            Load raw = rawRedis(redis, ids, concurrency, lookupTime);
            Map<String, Double> rawCpu = CpuSampler.coresUsed(rawCpuBefore, cpu.snapshot());
            String client = httpClient.equals("socket") ? "blocking keep-alive socket per client"
                    : "java.net.http.HttpClient, HTTP/1.1";
            report.append("## Lookups: `GET /v1/profiles/{id}/segments` vs raw Redis\n\n")
                    .append(String.format(Locale.ROOT, "%,d hot profiles, each read once before (cached), then read in turn; "
                            + "API client: %s; raw Redis: blocking RESP socket per client.%n%n", ids.size(), client))
                    .append("| | requests/s | p50 ms | p99 ms | errors | service CPU µs/req | Redis CPU µs/req | client CPU µs/req "
                            + "| machine busy (cores) |\n|---|---|---|---|---|---|---|---|---|\n")
                    .append(row("API (" + concurrency + " clients)", api1, apiCpu, "segmentation-service"))
                    .append(row("raw Redis HGETALL (" + concurrency + " connections)", raw, rawCpu, null))
                    .append(String.format(Locale.ROOT, "%nAPI at **%.0f%%** of raw Redis.%n%n", 100.0 * api1.perSecond() / raw.perSecond()))
                    .append("CPU by process during each phase (cores; CPU seconds over wall seconds):\n\n")
                    .append(cpuTable(apiCpu, rawCpu)).append('\n')
                    .append("segmentation-service's threads during the API lookups (cores, user and kernel time apart; "
                            + "groups under 0.01 left out):\n\n");
            serviceThreads.forEach((group, cores) -> {
                if (cores >= 0.01) {
                    report.append(String.format(Locale.ROOT, "- %.2f %s%n", cores, group));
                }
            });
            report.append('\n');
            log("lookups: api %.0f/s p99 %.2f ms, raw redis %.0f/s", api1.perSecond(), api1.p(99), raw.perSecond());
            if (jfr) {
                Map<String, Double> profile = JfrBreakdown.analyse(jfrFile, JfrBreakdown.SEGMENTATION_LOOKUPS);
                report.append(String.format(Locale.ROOT, "segmentation-service CPU samples during the API lookups (JFR, %.0f samples, "
                        + "each to the known activity nearest the leaf; diagnostics run, figures above skewed by the recording):%n%n",
                        profile.get("samples")));
                profile.forEach((activity, share) -> {
                    if (!activity.equals("samples")) {
                        report.append(String.format(Locale.ROOT, "- %.0f%% %s%n", 100 * share, activity));
                    }
                });
                report.append('\n');
            }

            // ---- event to membership change
            // The bulk pass leaves one SegmentMembershipChanged per member in the outbox, relayed in id order:
            // a change made while that backlog drains waits behind it. Measured from a drained outbox.
            long backlog = count(db, "SELECT count(*) FROM outbox", null);
            long drainStarted = System.nanoTime();
            while (count(db, "SELECT count(*) FROM outbox", null) > 0
                    && System.nanoTime() - drainStarted < Duration.ofMinutes(5).toNanos()) {
                Thread.sleep(250);
            }
            double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;
            log("outbox: %d rows left from the bulk pass when the event phase was due, drained %.1f s later", backlog,
                    drainSeconds);
            Histogram eventWarmupLatency = new Histogram(600_000_000L, 3);
            Histogram latency = eventLatency(bootstrap, segment, prefix, eventRate, eventWarmup, eventTime, eventWarmupLatency);
            report.append("## Event to membership change\n\n").append(String.format(Locale.ROOT,
                    "- %d ProfileChanged/s for %d s published to Kafka (profile-service bypassed), after %d s at the same "
                            + "rate not counted: %d changes seen, p50 **%.1f ms**, p99 **%.1f ms**, max %.1f ms%n",
                    eventRate, eventTime.toSeconds(), eventWarmup.toSeconds(), latency.getTotalCount(),
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0))
                    .append(String.format(Locale.ROOT, "- started once the outbox was empty: %,d rows (the bulk pass's "
                            + "membership events) were still waiting when the phase was due, relayed in %.1f s more%n",
                            backlog, drainSeconds))
                    .append(String.format(Locale.ROOT, "- the %d s of warm-up, from idle: %d changes, p50 %.1f ms, p99 %.1f ms, "
                            + "max %.1f ms%n", eventWarmup.toSeconds(), eventWarmupLatency.getTotalCount(),
                            eventWarmupLatency.getValueAtPercentile(50) / 1000.0, eventWarmupLatency.getValueAtPercentile(99) / 1000.0,
                            eventWarmupLatency.getMaxValue() / 1000.0));
            log("event to membership: p50 %.1f ms p99 %.1f ms (%d)", latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getTotalCount());
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        log("report written to %s", out);
    }

    record Load(long ok, long errors, double seconds, Histogram micros) {
        double perSecond() {
            return ok / seconds;
        }

        double p(double percentile) {
            return micros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** CPU per request of the service (when named), Redis and this client, from the cores each used over the phase. */
    private static String row(String name, Load l, Map<String, Double> cores, String service) {
        double perSecond = Math.max(1, l.perSecond());
        String serviceMicros = service == null ? "–" : String.format(Locale.ROOT, "%.0f", 1e6 * cores.getOrDefault(service, 0.0) / perSecond);
        return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %d | %s | %.1f | %.1f | %.2f |%n", name, l.perSecond(), l.p(50),
                l.p(99), l.errors(), serviceMicros, 1e6 * cores.getOrDefault("redis", 0.0) / perSecond,
                1e6 * cores.getOrDefault("benchmark client JVM", 0.0) / perSecond, cores.getOrDefault(CpuSampler.MACHINE, 0.0));
    }

    private static String cpuTable(Map<String, Double> api, Map<String, Double> raw) {
        StringBuilder table = new StringBuilder("| process | API lookups | raw Redis |\n|---|---|---|\n");
        java.util.Set<String> roles = new java.util.LinkedHashSet<>(api.keySet());
        roles.addAll(raw.keySet());
        for (String role : roles) {
            double a = api.getOrDefault(role, 0.0);
            double r = raw.getOrDefault(role, 0.0);
            if (a >= 0.005 || r >= 0.005) {
                table.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", role, a, r));
            }
        }
        return table.toString();
    }

    private interface Call {
        boolean call(String id) throws Exception;
    }

    /** {@code concurrency} threads calling in a closed loop over {@code ids} for {@code time}. */
    private static Load closedLoop(List<String> ids, int concurrency, Duration time, java.util.function.Supplier<Call> perThread)
            throws InterruptedException {
        Histogram all = new Histogram(60_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + time.toNanos();
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                Histogram mine = new Histogram(60_000_000L, 3);
                Call call = perThread.get();
                int i = offset * 997;
                while (System.nanoTime() < deadline) {
                    String id = ids.get(Math.floorMod(i++, ids.size()));
                    long sent = System.nanoTime();
                    try {
                        if (call.call(id)) {
                            mine.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                            ok.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                synchronized (all) {
                    all.add(mine);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Load(ok.get(), errors.get(), (System.nanoTime() - start) / 1e9, all);
    }

    private void readEachOnce(String api, String token, List<String> ids, int concurrency) throws InterruptedException {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
        for (String id : ids) {
            pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(api + "/v1/profiles/" + id + "/segments"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        pool.shutdown();
        pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
    }

    private Load lookups(String httpClient, String api, String token, List<String> ids, int concurrency, Duration time)
            throws InterruptedException {
        if (httpClient.equals("jdk")) {
            return closedLoop(ids, concurrency, time, () -> id -> http.send(HttpRequest.newBuilder(
                    URI.create(api + "/v1/profiles/" + id + "/segments")).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200);
        }
        URI base = URI.create(api);
        String prefix = (base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/$", "")) + "/v1/profiles/";
        byte[] authorization = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        Set<KeepAliveHttpConnection> connections = ConcurrentHashMap.newKeySet();
        try {
            return closedLoop(ids, concurrency, time, () -> {
                KeepAliveHttpConnection connection = new KeepAliveHttpConnection(base);
                connections.add(connection);
                return id -> connection.get(prefix + id + "/segments", authorization) == 200;
            });
        } finally {
            connections.forEach(KeepAliveHttpConnection::close);
        }
    }

    /** HGETALL of the same cache keys over plain RESP, one connection per thread: the ceiling the API stands on. */
    private static Load rawRedis(URI redis, List<String> ids, int concurrency, Duration time) throws InterruptedException {
        Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        try {
            return closedLoop(ids, concurrency, time, () -> {
                try {
                    Socket socket = new Socket(redis.getHost(), redis.getPort());
                    socket.setTcpNoDelay(true);
                    sockets.add(socket);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    return id -> {
                        String key = "touchpoint:segmentation:profile-segments:" + id;
                        out.write(("*2\r\n$7\r\nHGETALL\r\n$" + key.getBytes(StandardCharsets.UTF_8).length + "\r\n" + key + "\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        return readReply(in);
                    };
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing only
                }
            }
        }
    }

    /** Reads one RESP reply (array of bulk strings or an error); true unless an error. */
    private static boolean readReply(InputStream in) throws IOException {
        String head = line(in);
        if (head.startsWith("-")) {
            return false;
        }
        if (head.startsWith("*")) {
            int n = Integer.parseInt(head.substring(1));
            for (int i = 0; i < n; i++) {
                int len = Integer.parseInt(line(in).substring(1));
                in.readNBytes(len + 2);
            }
        }
        return true;
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

    /** Publishes at a steady rate and times each change until its SegmentMembershipChanged comes back. */
    private static Histogram eventLatency(String bootstrap, String segment, String prefix, int rate, Duration warmupTime,
            Duration time, Histogram warmup) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram latency = new Histogram(600_000_000L, 3);
        int warmupCount = (int) (rate * warmupTime.toSeconds());
        int total = warmupCount + (int) (rate * time.toSeconds());
        try (var producer = new KafkaProducer<>(Map.<String, Object> of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
                var consumer = new KafkaConsumer<>(Map.<String, Object> of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                        new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topic.SEGMENT_MEMBERSHIPS.topicName()));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
            Thread publisher = new Thread(() -> {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    // A profile unknown so far, entering the segment with its first version.
                    String id = prefix + "ev-" + i;
                    var change = new ProfileChanged(id, 1, Set.of("traits"), Map.of("plan", "gold", "score", 99, "email", "p@x"),
                            Map.of(), List.of(), Map.of(), List.of(), null, Instant.now());
                    var record = new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), id, EventJson.write(change));
                    CloudEventHeaders.write(record.headers(), new CloudEventAttributes(UUID.randomUUID().toString(),
                            EventTypes.PROFILE_CHANGED, URI.create("/touchpoint/benchmark"), Instant.now(), id));
                    sentAt.put(id, System.nanoTime());
                    producer.send(record);
                    next += interval;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            });
            publisher.start();
            long deadline = System.nanoTime() + time.toNanos() + warmupTime.toNanos() + Duration.ofSeconds(30).toNanos();
            while (latency.getTotalCount() + warmup.getTotalCount() < total && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    var event = EventJson.read(r.value().getBytes(StandardCharsets.UTF_8), SegmentMembershipChanged.class);
                    Long sent = event.segmentId().equals(segment) && event.entered() ? sentAt.remove(event.profileId()) : null;
                    if (sent != null) {
                        boolean warming = Integer.parseInt(event.profileId().substring(event.profileId().lastIndexOf('-') + 1))
                                < warmupCount;
                        (warming ? warmup : latency).recordValue(Math.max(1, (now - sent) / 1000));
                    }
                }
            }
            publisher.join();
        }
        return latency;
    }

    private String createSegment(String api, String token, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/segments"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("creating the segment failed: " + r.statusCode() + " " + r.body());
        }
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static long count(Connection db, String sql, String param) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            if (param != null) {
                s.setString(1, param);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf("[segmentation-benchmark] " + format + "%n", args);
    }
}
