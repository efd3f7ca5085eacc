package io.touchpoint.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.CloudEventAttributes;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.SegmentMembershipChanged;

/**
 * analytics-service against a running stack (see README-analytics.md). Phases, each printed next to
 * a raw ceiling measured in the same run:
 * <ol>
 * <li>raw: plain batched inserts of delivery-event-shaped rows (the same columns and primary key as
 * the service's {@code delivery_event}) into the same PostgreSQL, {@code --raw-rows} rows in batches
 * of {@code --batch} from as many connections as the service has consumers;</li>
 * <li>ingest: {@code --events} delivery events of {@code --profiles} profiles (messages of
 * {@code --journeys} journeys spread over the last 120 days: sent, delivered, human and machine opens,
 * clicks, bounces, unsubscribes, complaints, suppressions) produced onto the topic as fast as the
 * producer goes; events/s from the first send to the service's progress reaching every partition's
 * end; then {@code --profiles} profiles' moves between {@code --stages} stages over a year
 * (membership transitions) the same way;</li>
 * <li>funnel: {@code --queries} reports of one random journey over 90 days by day in
 * Europe/Helsinki through the API, next to the naive single-grain SQL over the same rows over JDBC;</li>
 * <li>flows: the stage-flow matrix over a year through the API, next to a plain SQL sum of the day rows;</li>
 * <li>freshness: delivery events at {@code --fresh-rate}/s for {@code --fresh-seconds}, each stamped
 * with its send instant; a client polls the funnel of their journey and counts when each event is in
 * it; next to a plain Kafka consumer's produce-to-poll latency of the same records.</li>
 * </ol>
 * Other services are paused (SIGSTOP) while it runs, so the figures are analytics-service's own.
 */
public final class AnalyticsBenchmark {

    private static final String HELSINKI = "Europe/Helsinki";
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final StringBuilder report = new StringBuilder();
    private Path out;

    private AnalyticsBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        new AnalyticsBenchmark(new Settings(args)).run();
    }

    private void run() throws Exception {
        Path state = Path.of(settings.string("state", System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint"))).toAbsolutePath();
        long events = Long.parseLong(settings.string("events", "10000000"));
        int profiles = settings.integer("profiles", 1_000_000);
        int journeys = settings.integer("journeys", 20);
        int stages = settings.integer("stages", 6);
        int rawRows = settings.integer("raw-rows", 2_000_000);
        int batch = settings.integer("batch", 500);
        int connections = settings.integer("connections", 2);
        int queries = settings.integer("queries", 200);
        int freshRate = settings.integer("fresh-rate", 2_000);
        int freshSeconds = settings.integer("fresh-seconds", 60);
        long ingestLimit = settings.integer("ingest-limit-seconds", 6 * 3600);
        String phases = settings.string("phases", "raw,ingest,members,funnel,flows,freshness");
        String runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("analytics-" + runId + ".md").toString()));
        settings.rejectUnknown();

        Map<String, String> env = Settings.readEnvFile(state.resolve("credentials.env"));
        String api = Settings.require(env, "TOUCHPOINT_ANALYTICS_URL");
        String token = "Bearer " + Settings.require(env, "TOUCHPOINT_ANALYST_TOKEN");
        String bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        String jdbc = "jdbc:postgresql://" + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_HOST") + ":"
                + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PORT") + "/touchpoint_analytics";
        Map<String, Long> roots = CpuSampler.stackProcesses(state);
        CpuSampler cpu = new CpuSampler(roots, state);
        report.append("# Analytics benchmark ").append(runId).append("\n\n- machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.arch")).append(", JDK ").append(Runtime.version())
                .append(", load average at start ").append(Files.readString(Path.of("/proc/loadavg")).trim()).append('\n')
                .append("- options: ").append(settings.used()).append("\n\n");
        List<Long> paused = pauseOthers(roots);
        analyticsPid = roots.get("analytics-service");
        try (Connection db = DriverManager.getConnection(jdbc, Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_USER"),
                Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD"))) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String prefix = "bench-" + runId + "-";
            if (phases.contains("raw")) {
                raw(db, jdbc, env, rawRows, batch, connections, cpu);
            }
            if (phases.contains("ingest")) {
                ingest(db, bootstrap, prefix, events, profiles, journeys, now, ingestLimit, cpu);
            }
            if (phases.contains("members")) {
                members(db, bootstrap, prefix, profiles, stages, now, ingestLimit, cpu);
            }
            if (phases.contains("funnel")) {
                funnel(db, api, token, prefix, journeys, queries, now, cpu);
            }
            if (phases.contains("flows")) {
                flows(db, api, token, prefix, stages, queries, now, cpu);
            }
            if (phases.contains("freshness")) {
                freshness(api, token, bootstrap, prefix, freshRate, freshSeconds, cpu);
            }
            storage(db);
        } finally {
            for (long pid : paused) {
                signal("CONT", pid);
            }
            if (analyticsPid != null) {
                signal("CONT", analyticsPid);
            }
            write();
        }
    }

    // ---- raw ceiling

    private void raw(Connection db, String jdbc, Map<String, String> env, int rows, int batch, int connections, CpuSampler cpu)
            throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_raw_event");
            s.execute("CREATE TABLE bench_raw_event (request_id text NOT NULL, event_id text NOT NULL, status text NOT NULL, "
                    + "reason text, at timestamptz NOT NULL, PRIMARY KEY (request_id, event_id))");
        }
        AtomicLong next = new AtomicLong();
        CpuSampler.Snapshot before = cpu.snapshot();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                try (Connection conn = DriverManager.getConnection(jdbc, env.get("TOUCHPOINT_DEVSTACK_POSTGRES_USER"),
                        env.get("TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD"));
                        PreparedStatement insert = conn.prepareStatement("INSERT INTO bench_raw_event (request_id, event_id, status, "
                                + "reason, at) SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])")) {
                    conn.setAutoCommit(false);
                    long from;
                    while ((from = next.getAndAdd(batch)) < rows) {
                        int n = (int) Math.min(batch, rows - from);
                        String[] ids = new String[n];
                        String[] requests = new String[n];
                        String[] statuses = new String[n];
                        String[] reasons = new String[n];
                        Timestamp[] at = new Timestamp[n];
                        for (int i = 0; i < n; i++) {
                            ids[i] = UUID.randomUUID().toString();
                            requests[i] = "raw-" + (from + i) / 3;
                            statuses[i] = "OPENED";
                            at[i] = Timestamp.from(Instant.now());
                        }
                        insert.setArray(1, conn.createArrayOf("text", requests));
                        insert.setArray(2, conn.createArrayOf("text", ids));
                        insert.setArray(3, conn.createArrayOf("text", statuses));
                        insert.setArray(4, conn.createArrayOf("text", reasons));
                        insert.setArray(5, conn.createArrayOf("timestamptz", at));
                        insert.executeUpdate();
                        conn.commit();
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cores = CpuSampler.coresUsed(before, cpu.snapshot());
        rawRate = rows / seconds;
        section("Raw ceiling: plain batched inserts", String.format(Locale.ROOT,
                "%,d delivery-event rows (same columns and primary key as `delivery_event`) in %d-row `INSERT … SELECT unnest(…)` "
                        + "batches, one transaction each, from %d JDBC connections: **%,.0f rows/s** (%.1f s)%n%n%s",
                rows, batch, connections, rawRate, seconds, cpuTable(cores)));
        try (Statement s = db.createStatement()) {
            s.execute("DROP TABLE bench_raw_event");
        }
    }

    private double rawRate;
    private Long analyticsPid;

    // ---- ingest

    /** One synthetic message's delivery events, in the order the gateway would report them. */
    private static List<DeliveryEvent> message(Random random, String prefix, long m, int profiles, int journeys, Instant now) {
        String profile = prefix + "p" + (m % profiles);
        int journey = (int) Math.floorMod((m * 2654435761L) >>> 7, journeys);
        int node = 1 + random.nextInt(4);
        String journeyId = prefix + "j" + journey;
        String template = prefix + "t" + journey + "-" + node;
        String request = prefix + "r" + m;
        String delivery = prefix + "d" + m;
        Instant sent = now.minusSeconds(3600 + (long) (random.nextDouble() * 119 * 86_400));
        List<DeliveryEvent> events = new ArrayList<>();
        java.util.function.BiConsumer<DeliveryEvent.Status, String> add = (status, reason) -> events.add(new DeliveryEvent(delivery,
                request, profile, journeyId, template, "email", status, reason, null,
                sent.plusSeconds(events.isEmpty() ? 0 : 60L * events.size() + random.nextInt(3600))));
        if (random.nextDouble() < 0.05) {
            add.accept(DeliveryEvent.Status.SUPPRESSED, random.nextBoolean() ? "no-consent" : "frequency-cap");
            return events;
        }
        add.accept(DeliveryEvent.Status.SENT, null);
        if (random.nextDouble() < 0.02) {
            add.accept(DeliveryEvent.Status.BOUNCED, "hard-bounce");
            return events;
        }
        add.accept(DeliveryEvent.Status.DELIVERED, null);
        if (random.nextDouble() < 0.12) {
            add.accept(DeliveryEvent.Status.OPENED, "machine");
        }
        if (random.nextDouble() < 0.45) {
            add.accept(DeliveryEvent.Status.OPENED, null);
            if (random.nextDouble() < 0.15) {
                add.accept(DeliveryEvent.Status.OPENED, null);
            }
            if (random.nextDouble() < 0.25) {
                add.accept(DeliveryEvent.Status.CLICKED, null);
            }
        }
        if (random.nextDouble() < 0.005) {
            add.accept(DeliveryEvent.Status.UNSUBSCRIBED, null);
        }
        if (random.nextDouble() < 0.001) {
            add.accept(DeliveryEvent.Status.COMPLAINED, null);
        }
        return events;
    }

    private KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 131_072);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(Topic topic, String key, String type, Object value) {
        var record = new ProducerRecord<>(topic.topicName(), key, EventJson.write(value));
        CloudEventHeaders.write(record.headers(), new CloudEventAttributes(UUID.randomUUID().toString(), type,
                URI.create("/touchpoint/benchmarks"), Instant.now(), key));
        return record;
    }

    private void ingest(Connection db, String bootstrap, String prefix, long total, int profiles, int journeys, Instant now,
            long limitSeconds, CpuSampler cpu) throws Exception {
        Map<Integer, Long> startOffsets = endOffsets(bootstrap, Topic.DELIVERY_EVENTS);
        Random random = new Random(42);
        // The records are all on the topic before analytics-service reads any (it is stopped meanwhile), so
        // the rate is the service's own, not the producer's on a machine it shares.
        signal("STOP", analyticsPid);
        long start = System.nanoTime();
        long produced = 0;
        long messages = 0;
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            while (produced < total) {
                for (DeliveryEvent e : message(random, prefix, messages, profiles, journeys, now)) {
                    if (produced == total) {
                        break;
                    }
                    producer.send(record(Topic.DELIVERY_EVENTS, e.profileId(), EventTypes.DELIVERY, e));
                    produced++;
                }
                messages++;
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        Map<Integer, Long> ends = endOffsets(bootstrap, Topic.DELIVERY_EVENTS);
        log("produced %,d delivery events of %,d messages in %.1f s; analytics-service continues", produced, messages, produceSeconds);
        CpuSampler.Snapshot before = cpu.snapshot();
        long resumed = System.nanoTime();
        signal("CONT", analyticsPid);
        double seconds = waitForProgress(db, Topic.DELIVERY_EVENTS, ends, resumed, limitSeconds);
        Map<String, Double> cores = CpuSampler.coresUsed(before, cpu.snapshot());
        long applied = progressCount(db, Topic.DELIVERY_EVENTS, startOffsets);
        double rate = applied / seconds;
        ingestRate = rate;
        section("Ingest: " + String.format(Locale.ROOT, "%,d", produced) + " delivery events", String.format(Locale.ROOT,
                "%,d messages of %,d profiles in %d journeys (4 templates each), spread over the 120 days before the run; produced in "
                        + "%.1f s (%,.0f/s, producer acks=all) while analytics-service was stopped (SIGSTOP); from its SIGCONT (its "
                        + "consumers rejoin the group first) it applied %,d of them in **%.1f s: %,.0f events/s, "
                        + "%.1f%% of the raw insert ceiling** (%,.0f rows/s)%s.%n%n%s",
                messages, Math.min(profiles, messages), journeys, produceSeconds, produced / produceSeconds, applied, seconds, rate,
                rawRate == 0 ? Double.NaN : 100 * rate / rawRate, rawRate,
                applied < produced ? " — **stopped at the time limit before the end**" : "", cpuTable(cores)));
    }

    private double ingestRate;

    private void members(Connection db, String bootstrap, String prefix, int profiles, int stages, Instant now, long limitSeconds,
            CpuSampler cpu) throws Exception {
        Map<Integer, Long> startOffsets = endOffsets(bootstrap, Topic.SEGMENT_MEMBERSHIPS);
        Random random = new Random(7);
        signal("STOP", analyticsPid);
        long start = System.nanoTime();
        long produced = 0;
        long moves = 0;
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int p = 0; p < profiles; p++) {
                String profile = prefix + "p" + p;
                int stage = random.nextInt(stages);
                Instant at = now.minus(Duration.ofDays(365)).minusSeconds(1 + random.nextInt(30 * 86_400));
                produced += membership(producer, profile, prefix + "s" + stage, true, at);
                int k = random.nextInt(4);
                List<Instant> times = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    times.add(now.minusSeconds(60 + random.nextInt(365 * 86_400)));
                }
                times.sort(null);
                for (Instant t : times) {
                    int to = (stage + 1 + random.nextInt(stages - 1)) % stages;
                    produced += membership(producer, profile, prefix + "s" + stage, false, t);
                    produced += membership(producer, profile, prefix + "s" + to, true, t);
                    stage = to;
                    moves++;
                }
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        Map<Integer, Long> ends = endOffsets(bootstrap, Topic.SEGMENT_MEMBERSHIPS);
        log("produced %,d membership transitions (%,d moves) in %.1f s", produced, moves, produceSeconds);
        CpuSampler.Snapshot before = cpu.snapshot();
        long resumed = System.nanoTime();
        signal("CONT", analyticsPid);
        double seconds = waitForProgress(db, Topic.SEGMENT_MEMBERSHIPS, ends, resumed, limitSeconds);
        Map<String, Double> cores = CpuSampler.coresUsed(before, cpu.snapshot());
        long applied = progressCount(db, Topic.SEGMENT_MEMBERSHIPS, startOffsets);
        section("Ingest: membership transitions", String.format(Locale.ROOT,
                "%,d profiles, each entering one of %d stages a year ago and then moving 0–3 times in the last year (%,d moves): "
                        + "%,d transitions produced in %.1f s while analytics-service was stopped; applied from its SIGCONT in "
                        + "**%.1f s: %,.0f transitions/s** (%.1f%% of the raw insert "
                        + "ceiling).%n%n%s", profiles, stages, moves, produced, produceSeconds, seconds, applied / seconds,
                rawRate == 0 ? Double.NaN : 100 * applied / seconds / rawRate, cpuTable(cores)));
    }

    private static int membership(KafkaProducer<String, byte[]> producer, String profile, String segment, boolean entered, Instant at) {
        producer.send(record(Topic.SEGMENT_MEMBERSHIPS, profile, EventTypes.SEGMENT_MEMBERSHIP_CHANGED,
                new SegmentMembershipChanged(profile, segment, 1, entered, at)));
        return 1;
    }

    private double waitForProgress(Connection db, Topic topic, Map<Integer, Long> ends, long startNanos, long limitSeconds)
            throws Exception {
        long lastLog = 0;
        while (true) {
            Map<Integer, Long> progress = progress(db, topic);
            boolean done = ends.entrySet().stream().allMatch(e -> progress.getOrDefault(e.getKey(), 0L) >= e.getValue());
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            if (done || seconds > limitSeconds) {
                return seconds;
            }
            if (seconds - lastLog >= 60) {
                long remaining = ends.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - progress.getOrDefault(e.getKey(), 0L)))
                        .sum();
                log("%s: %,d records to go after %.0f s", topic.topicName(), remaining, seconds);
                lastLog = (long) seconds;
            }
            Thread.sleep(250);
        }
    }

    private static Map<Integer, Long> progress(Connection db, Topic topic) throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT partition, next_offset FROM consumer_progress WHERE topic = ?")) {
            s.setString(1, topic.topicName());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getInt(1), r.getLong(2));
                }
            }
        }
        return out;
    }

    private static long progressCount(Connection db, Topic topic, Map<Integer, Long> startOffsets) throws Exception {
        long n = 0;
        for (var e : progress(db, topic).entrySet()) {
            n += Math.max(0, e.getValue() - startOffsets.getOrDefault(e.getKey(), 0L));
        }
        return n;
    }

    private static Map<Integer, Long> endOffsets(String bootstrap, Topic topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topic.partitions(); p++) {
                latest.put(new TopicPartition(topic.topicName(), p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        }
    }

    // ---- reports

    private void funnel(Connection db, String api, String token, String prefix, int journeys, int queries, Instant now,
            CpuSampler cpu) throws Exception {
        ZoneId zone = ZoneId.of(HELSINKI);
        LocalDate to = now.atZone(zone).toLocalDate().plusDays(1);
        LocalDate from = to.minusDays(90);
        Random random = new Random(3);
        Histogram viaApi = new Histogram(3);
        Histogram viaSql = new Histogram(3);
        int warmup = Math.max(10, queries / 10);
        long sent = 0;
        CpuSampler.Snapshot before = null;
        for (int i = 0; i < warmup + queries; i++) {
            if (i == warmup) {
                before = cpu.snapshot();
            }
            String journey = prefix + "j" + random.nextInt(journeys);
            long t0 = System.nanoTime();
            String body = get(api + "/v1/reports/funnel?journeyId=" + enc(journey) + "&from=" + from + "&to=" + to
                    + "&granularity=day&zone=" + enc(HELSINKI), token);
            long t1 = System.nanoTime();
            if (i >= warmup) {
                viaApi.recordValue((t1 - t0) / 1000);
                sent += number(body, "\"sent\":\\{\"unique\":(\\d+)");
            }
            long s0 = System.nanoTime();
            try (PreparedStatement s = db.prepareStatement("""
                    SELECT date_trunc('day', bucket AT TIME ZONE ?), sum(sent), sum(delivered), sum(opened), sum(opened_human),
                           sum(clicked), sum(bounced), sum(unsubscribed), sum(suppressed)
                    FROM message_rollup WHERE journey_id = ? AND grain = 0 AND bucket >= ? AND bucket < ? GROUP BY 1""")) {
                s.setString(1, HELSINKI);
                s.setString(2, journey);
                s.setTimestamp(3, Timestamp.from(from.atStartOfDay(zone).toInstant()));
                s.setTimestamp(4, Timestamp.from(to.atStartOfDay(zone).toInstant()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        r.getLong(2);
                    }
                }
            }
            if (i >= warmup) {
                viaSql.recordValue((System.nanoTime() - s0) / 1000);
            }
        }
        Map<String, Double> cores = CpuSampler.coresUsed(before, cpu.snapshot());
        long rows;
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM message_rollup WHERE grain = 0 "
                + "AND journey_id LIKE '" + prefix + "%'")) {
            r.next();
            rows = r.getLong(1);
        }
        funnelP99 = viaApi.getValueAtPercentile(99) / 1000.0;
        section("Funnel: one journey, 90 days by day, Europe/Helsinki", String.format(Locale.ROOT,
                "%d queries (after %d warm-up), a random journey of %d each (%,d quarter-hour rollup rows in all, %,d per journey), "
                        + "one client, sequential; %,d messages sent in the reports in all.%n%n"
                        + "| | p50 ms | p99 ms | max ms |%n|---|---|---|---|%n"
                        + "| `GET /v1/reports/funnel` (JSON, days, hours and quarters summed per local day) | %.1f | **%.1f** | %.1f |%n"
                        + "| raw: plain SQL over JDBC, the journey's quarter rows grouped by local day | %.1f | %.1f | %.1f |%n%n%s",
                queries, warmup, journeys, rows, rows / journeys, sent, viaApi.getValueAtPercentile(50) / 1000.0, funnelP99,
                viaApi.getMaxValue() / 1000.0, viaSql.getValueAtPercentile(50) / 1000.0, viaSql.getValueAtPercentile(99) / 1000.0,
                viaSql.getMaxValue() / 1000.0, cpuTable(cores)));
    }

    private double funnelP99;

    private void flows(Connection db, String api, String token, String prefix, int stages, int queries, Instant now, CpuSampler cpu)
            throws Exception {
        StringBuilder ids = new StringBuilder();
        for (int s = 0; s < stages; s++) {
            ids.append(s == 0 ? "" : ",").append(prefix).append('s').append(s);
        }
        Random random = new Random(5);
        Histogram viaApi = new Histogram(3);
        Histogram viaSql = new Histogram(3);
        int warmup = Math.max(5, queries / 10);
        CpuSampler.Snapshot before = null;
        long moves = 0;
        for (int i = 0; i < warmup + queries; i++) {
            if (i == warmup) {
                before = cpu.snapshot();
            }
            // Not on quarter hours: the edges come from the transitions themselves.
            Instant to = now.minusSeconds(random.nextInt(3_600));
            Instant from = to.minus(Duration.ofDays(365));
            long t0 = System.nanoTime();
            String body = get(api + "/v1/reports/stage-flows?segmentIds=" + enc(ids.toString()) + "&from=" + from + "&to=" + to, token);
            if (i >= warmup) {
                viaApi.recordValue((System.nanoTime() - t0) / 1000);
                moves = number(body, "\"entries\":(\\d+)");
            }
            long s0 = System.nanoTime();
            try (PreparedStatement s = db.prepareStatement("""
                    SELECT from_segment, to_segment, sum(moves) FROM segment_move_rollup
                    WHERE from_segment = ANY(?) AND to_segment = ANY(?) AND grain = 2 AND bucket >= ? AND bucket < ? GROUP BY 1, 2""")) {
                Array stageIds = db.createArrayOf("text", ids.toString().split(","));
                s.setArray(1, stageIds);
                s.setArray(2, stageIds);
                s.setTimestamp(3, Timestamp.from(from.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1))));
                s.setTimestamp(4, Timestamp.from(to.truncatedTo(ChronoUnit.DAYS)));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        r.getLong(3);
                    }
                }
            }
            if (i >= warmup) {
                viaSql.recordValue((System.nanoTime() - s0) / 1000);
            }
        }
        Map<String, Double> cores = CpuSampler.coresUsed(before, cpu.snapshot());
        flowP99 = viaApi.getValueAtPercentile(99) / 1000.0;
        section("Stage flows: " + stages + " stages over a year", String.format(Locale.ROOT,
                "%d queries (after %d warm-up) of `[now − 365 d − x, now − x)`, x a random number of seconds under an hour (so both "
                        + "ends fall inside quarter hours and come from the transitions), one client, sequential; the first stage "
                        + "had %,d entries in the last answer.%n%n| | p50 ms | p99 ms | max ms |%n|---|---|---|---|%n"
                        + "| `GET /v1/reports/stage-flows` (moves, entries, exits, sizes at both ends) | %.1f | **%.1f** | %.1f |%n"
                        + "| raw: plain SQL over JDBC, the day rows of the moves only | %.1f | %.1f | %.1f |%n%n%s",
                queries, warmup, moves, viaApi.getValueAtPercentile(50) / 1000.0, flowP99, viaApi.getMaxValue() / 1000.0,
                viaSql.getValueAtPercentile(50) / 1000.0, viaSql.getValueAtPercentile(99) / 1000.0, viaSql.getMaxValue() / 1000.0,
                cpuTable(cores)));
    }

    private double flowP99;

    // ---- freshness

    private void freshness(String api, String token, String bootstrap, String prefix, int rate, int seconds, CpuSampler cpu)
            throws Exception {
        String journey = prefix + "fresh";
        int total = rate * seconds;
        long[] sentAt = new long[total];
        AtomicLong produced = new AtomicLong();
        Histogram visible = new Histogram(3);
        Histogram kafka = new Histogram(3);
        Histogram reported = new Histogram(3);
        // The raw ceiling: a plain consumer of the same records, produce instant to poll.
        Thread tap = new Thread(() -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-tap-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of(Topic.DELIVERY_EVENTS.topicName()));
                long deadline = System.nanoTime() + Duration.ofSeconds(seconds + 30).toNanos();
                int seen = 0;
                while (System.nanoTime() < deadline && seen < total) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                        String key = r.key();
                        if (key != null && key.startsWith(journey)) {
                            int i = Integer.parseInt(key.substring(journey.length() + 1));
                            kafka.recordValue(Math.max(0, System.currentTimeMillis() - sentAt[i]));
                            seen++;
                        }
                    }
                }
            }
        });
        tap.start();
        Thread.sleep(3_000);
        CpuSampler.Snapshot before = cpu.snapshot();
        Thread poller = new Thread(() -> {
            int counted = 0;
            long deadline = System.currentTimeMillis() + (seconds + 60) * 1000L;
            while (counted < total && System.currentTimeMillis() < deadline) {
                try {
                    String body = get(api + "/v1/reports/funnel?journeyId=" + enc(journey) + "&granularity=month", token);
                    long now = System.currentTimeMillis();
                    int count = (int) number(body, "\"sent\":\\{\"unique\":(\\d+)");
                    long limit = Math.min(count, produced.get());
                    for (; counted < limit; counted++) {
                        visible.recordValue(Math.max(0, now - sentAt[counted]));
                    }
                    Matcher f = Pattern.compile("\"freshnessSeconds\":([0-9.Ee+-]+)").matcher(body);
                    if (f.find()) {
                        reported.recordValue((long) (Double.parseDouble(f.group(1)) * 1000));
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // not known yet: the journey has no event here until the first is applied
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
        poller.start();
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        try (KafkaProducer<String, byte[]> producer = producerLowLatency(bootstrap)) {
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long at = System.currentTimeMillis();
                sentAt[i] = at;
                String key = journey + "-" + i;
                producer.send(record(Topic.DELIVERY_EVENTS, key, EventTypes.DELIVERY, new DeliveryEvent("fd" + i, journey + "-r" + i,
                        key, journey, journey + "-t", "email", DeliveryEvent.Status.SENT, null, null, Instant.ofEpochMilli(at))));
                produced.incrementAndGet();
            }
            producer.flush();
        }
        poller.join();
        tap.join();
        Map<String, Double> cores = CpuSampler.coresUsed(before, cpu.snapshot());
        section("Freshness at " + rate + " delivery events/s", String.format(Locale.ROOT,
                "%,d SENT events of new messages produced open loop at %d/s for %d s, each with its send instant as `at`; a client "
                        + "polls `GET /v1/reports/funnel` of their journey every 50 ms and, when the unique sent count reaches n, takes the "
                        + "first n events as visible then (partitions are applied independently, so this can be off by one batch)."
                        + "%n%n| | p50 ms | p99 ms | max ms |%n|---|---|---|---|%n"
                        + "| event produced → counted in the funnel report | %d | **%d** | %d |%n"
                        + "| the report's own `freshnessSeconds` (now − newest event included) | %d | %d | %d |%n"
                        + "| raw: produced → polled by a plain Kafka consumer | %d | %d | %d |%n%n%s",
                total, rate, seconds, visible.getValueAtPercentile(50), visible.getValueAtPercentile(99), visible.getMaxValue(),
                reported.getValueAtPercentile(50), reported.getValueAtPercentile(99), reported.getMaxValue(),
                kafka.getValueAtPercentile(50), kafka.getValueAtPercentile(99), kafka.getMaxValue(), cpuTable(cores)));
    }

    private KafkaProducer<String, byte[]> producerLowLatency(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private void storage(Connection db) throws Exception {
        StringBuilder table = new StringBuilder("| table | rows (estimate) | total size incl. indexes |\n|---|---|---|\n");
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("""
                SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid))
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12""")) {
            while (r.next()) {
                table.append("| `").append(r.getString(1)).append("` | ").append(String.format(Locale.ROOT, "%,d", r.getLong(2)))
                        .append(" | ").append(r.getString(3)).append(" |\n");
            }
        }
        section("Storage after the run", table.toString());
    }

    // ---- helpers

    private String get(String url, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", token).header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static long number(String body, String regex) {
        Matcher m = Pattern.compile(regex).matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String cpuTable(Map<String, Double> cores) {
        StringBuilder t = new StringBuilder("CPU (cores) in the phase: ");
        cores.entrySet().stream().filter(e -> e.getValue() >= 0.01).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> t.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.2f", e.getValue())).append("; "));
        return t.toString();
    }

    private void section(String title, String body) {
        report.append("## ").append(title).append("\n\n").append(body).append("\n\n");
        System.out.println("## " + title + "\n\n" + body + "\n");
        write();
    }

    private void write() {
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report.toString());
        } catch (Exception e) {
            System.err.println("cannot write " + out + ": " + e);
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[analytics-benchmark] " + format + "%n", args);
    }

    /** Every service but analytics-service stops (SIGSTOP) for the run, and continues after it. */
    private static List<Long> pauseOthers(Map<String, Long> roots) throws Exception {
        List<Long> paused = new ArrayList<>();
        for (var e : roots.entrySet()) {
            if (e.getKey().endsWith("-service") && !e.getKey().equals("analytics-service") || e.getKey().equals("channel-gateway")) {
                signal("STOP", e.getValue());
                paused.add(e.getValue());
            }
        }
        return paused;
    }

    private static void signal(String signal, Long pid) throws Exception {
        if (pid == null) {
            return;
        }
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
