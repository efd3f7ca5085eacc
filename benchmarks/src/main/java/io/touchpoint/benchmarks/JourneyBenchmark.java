package io.touchpoint.benchmarks;

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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;

/**
 * journey-service on a running stack (see README-journeys.md). Phases, each figure next to a raw
 * ceiling measured in the same run:
 * <ol>
 * <li>sample: one {@code /v1/track} through the gateway and profile-service, to read a real
 * ProfileChanged (headers, size) and check the path end to end;</li>
 * <li>latency: ProfileChanged records published straight onto {@code touchpoint.profile-changes.v1}
 * at a steady open-loop {@code --rate} (500/s), each entering a send → exit journey; latency from
 * each record's intended send to its MessageRequested read back from Kafka. Ceilings: plain Kafka
 * clients relaying same-size records over the same two hops, and plain JDBC running the statements
 * of one step in one transaction, at the same rate;</li>
 * <li>api: the same from {@code POST /v1/track} through profile-service at {@code --api-rate};</li>
 * <li>fill: {@code --lateness-rate × --lateness-seconds + --due-instances} profiles enter a
 * wait (P1D) → send → exit journey as fast as journey-service takes them; storage per waiting
 * instance;</li>
 * <li>lateness: the waits of the first {@code --lateness-rate × --lateness-seconds} are moved so
 * that {@code --lateness-rate} fall due each second on the real clock; lateness = step instant (and
 * MessageRequested visible) minus due;</li>
 * <li>due: the other {@code --due-instances} waits are moved to one instant, and journey-service's
 * simulated clock jumps to it; time until every MessageRequested is on Kafka;</li>
 * <li>broadcast: {@code --broadcast-profiles} fresh profiles (ProfileChanged without a trigger) and their
 * SegmentMembershipChanged into one new segment, consumed to the end; a send → exit journey scheduled
 * once a simulated minute ahead for that segment, then the clocks advanced two minutes; time until
 * every member entered and every MessageRequested is on Kafka, extrapolated to 1,000,000.</li>
 * </ol>
 * Not an asserting test: it measures and writes a Markdown report.
 */
public final class JourneyBenchmark {

    private static final String MR_TOPIC = Topic.MESSAGE_REQUESTS.topicName();

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final StringBuilder report = new StringBuilder();
    private final List<String> summary = new ArrayList<>();
    private final Map<String, AtomicLong> requestsByJourney = new ConcurrentHashMap<>();
    private volatile BiConsumer<MessageRequested, Long> requestSink = (r, n) -> {
    };
    // Wall-clock micros of a nanoTime: the service's requestedAt is an Instant, the benchmark times in nanos.
    private final long wallBaseMicros;
    private final long nanoBase;

    private Path out;
    private Map<String, String> env;
    private String journeyUrl;
    private String bootstrap;
    private String jdbc;
    private String pgUser;
    private String pgPassword;
    private Connection db;
    private KafkaProbe kafka;
    private CpuSampler cpu;
    private Map<String, Long> roots;
    private URI source = URI.create("/touchpoint/profile-service");
    /** The sampled real ProfileChanged: the synthetic ones copy its state and change only ids, trigger and times. */
    private ProfileChanged template;
    private boolean jfr;
    private String runId;
    private double rawMinimalPerSecond = Double.NaN;
    private double rawServicePerSecond = Double.NaN;
    private Map<String, Double> clientThreads = Map.of();

    private JourneyBenchmark(Settings settings) {
        this.settings = settings;
        Instant now = Instant.now();
        this.nanoBase = System.nanoTime();
        this.wallBaseMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    public static void main(String[] args) throws Exception {
        new JourneyBenchmark(new Settings(args)).run();
    }

    private long wallMicros(long nanos) {
        return wallBaseMicros + (nanos - nanoBase) / 1000;
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
    }

    private void run() throws Exception {
        String defaultState = System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint");
        Path state = Path.of(settings.string("state", defaultState)).toAbsolutePath();
        boolean quick = Boolean.parseBoolean(settings.string("quick", "false"));
        int rate = settings.integer("rate", 500);
        Duration warmup = settings.seconds("warmup-seconds", quick ? 5 : 10);
        Duration time = settings.seconds("seconds", quick ? 10 : 30);
        Duration drain = settings.seconds("drain-seconds", quick ? 60 : 120);
        Duration rawTime = settings.seconds("raw-seconds", quick ? 5 : 15);
        int apiRate = settings.integer("api-rate", 100);
        Duration apiTime = settings.seconds("api-seconds", quick ? 5 : 20);
        int latenessRate = settings.integer("lateness-rate", 1000);
        Duration latenessTime = settings.seconds("lateness-seconds", quick ? 5 : 20);
        int dueInstances = settings.integer("due-instances", quick ? 10_000 : 100_000);
        Duration fillLimit = settings.seconds("fill-limit-seconds", quick ? 300 : 900);
        Duration dueLimit = settings.seconds("due-limit-seconds", quick ? 300 : 600);
        // The fill's triggers also reach segmentation-service, which would then work off 120,000 snapshots
        // during the wake-up phases on the same two cores: paused (SIGSTOP) from the fill on, unless empty.
        String pause = settings.string("pause-during-waits", "segmentation-service");
        // Diagnostics: services paused for the whole run (e.g. segmentation-service, which consumes the same
        // ProfileChanged stream and competes for the two cores), and a subset of the phases.
        String pauseAll = settings.string("pause-from-start", "");
        List<String> phases = List.of(settings.string("phases", "latency,api,fill,lateness,due,broadcast").split(","));
        int broadcastProfiles = settings.integer("broadcast-profiles", quick ? 10_000 : 100_000);
        Duration broadcastLimit = settings.seconds("broadcast-limit-seconds", quick ? 300 : 600);
        jfr = Boolean.parseBoolean(settings.string("jfr", "false"));
        runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("journeys-" + runId + ".md").toString()));
        settings.rejectUnknown();

        env = Settings.readEnvFile(state.resolve("credentials.env"));
        journeyUrl = Settings.require(env, "TOUCHPOINT_JOURNEY_URL");
        bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        String pgBase = "jdbc:postgresql://" + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_HOST") + ":"
                + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PORT") + "/touchpoint_journey";
        jdbc = pgBase;
        pgUser = Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_USER");
        pgPassword = Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD");
        roots = CpuSampler.stackProcesses(state);
        cpu = new CpuSampler(roots, state);
        boolean simulated = Files.exists(state.resolve("run").resolve("clock"));

        report.append("# Journey benchmark ").append(runId).append("\n\n")
                .append("- machine: ").append(ReportText.machine()).append('\n')
                .append("- stack: `./touchpoint up --detach").append(simulated ? " --simulated-clock" : "")
                .append("` under ").append(state).append("; nice values: ").append(ReportText.niceValues(roots)).append('\n')
                .append("- options: ").append(settings.used()).append("\n\n");
        List<Long> paused = new ArrayList<>();
        try {
            db = DriverManager.getConnection(jdbc + "?ApplicationName=" + PgActivity.APPLICATION, pgUser, pgPassword);
            kafka = new KafkaProbe(bootstrap);
            try (TopicTap requests = new TopicTap(bootstrap, "requests", List.of(MR_TOPIC))) {
                requests.listen((record, seen) -> {
                    MessageRequested request = EventJson.read(record.value(), MessageRequested.class);
                    requestsByJourney.computeIfAbsent(request.journeyId(), k -> new AtomicLong()).incrementAndGet();
                    requestSink.accept(request, seen);
                });
                String sendJourney = publishJourney("""
                        {"name": "bench send %s", "trigger": {"event": "Bench Send %s"},
                         "nodes": [{"id": "send", "type": "send", "template": "bench-welcome", "channel": "email", "next": "done"},
                                   {"id": "done", "type": "exit"}]}""".formatted(runId, runId));
                String waitJourney = publishJourney("""
                        {"name": "bench wait %s", "trigger": {"event": "Bench Wait %s"},
                         "nodes": [{"id": "wait", "type": "wait", "duration": "P1D", "next": "send"},
                                   {"id": "send", "type": "send", "template": "bench-reminder", "channel": "email", "next": "done"},
                                   {"id": "done", "type": "exit"}]}""".formatted(runId, runId));
                log("journeys published: send %s, wait %s", sendJourney, waitJourney);

                for (String role : pauseAll.isBlank() ? List.<String> of() : List.of(pauseAll.split(","))) {
                    Long pid = roots.get(role.trim());
                    if (pid != null) {
                        signal("STOP", pid);
                        paused.add(pid);
                    }
                }
                if (!paused.isEmpty()) {
                    report.append("Paused for the whole run (SIGSTOP; `--pause-from-start`, diagnostics): ").append(pauseAll)
                            .append(".\n\n");
                }
                sample(sendJourney);
                flush();
                if (phases.contains("latency")) {
                    latency(sendJourney, rate, warmup, time, drain, rawTime);
                    flush();
                }
                if (phases.contains("api") && apiTime.toSeconds() > 0 && apiRate > 0) {
                    api(sendJourney, apiRate, apiTime, drain);
                    flush();
                }
                int latenessCount = latenessRate * (int) latenessTime.toSeconds();
                if (phases.contains("fill") || phases.contains("broadcast")) {
                    int before = paused.size();
                    for (String role : pause.isBlank() ? List.<String> of() : List.of(pause.split(","))) {
                        Long pid = roots.get(role.trim());
                        if (pid != null && !paused.contains(pid)) {
                            signal("STOP", pid);
                            paused.add(pid);
                        }
                    }
                    if (paused.size() > before) {
                        report.append("From here on ").append(pause).append(" is paused (SIGSTOP; `--pause-during-waits`): the fill's ")
                                .append("(and the broadcast's) records would otherwise leave it a backlog to work off on the same cores "
                                        + "during the wake-up phases.\n\n");
                    }
                }
                if (phases.contains("fill")) {
                    fillAndWake(phases, waitJourney, latenessCount, latenessRate, latenessTime, dueInstances, fillLimit, dueLimit,
                            simulated);
                }
                if (!phases.contains("broadcast") || broadcastProfiles <= 0) {
                    report.append("## Scheduled broadcast to a segment\n\nNot run (`--phases`, `--broadcast-profiles`).\n\n");
                } else if (!simulated) {
                    report.append("## Scheduled broadcast to a segment\n\nSkipped: the stack runs on the real clock (start it with "
                            + "`./touchpoint up --detach --simulated-clock`, as `run-journeys.sh` does).\n\n");
                } else {
                    broadcast(broadcastProfiles, broadcastLimit, paused);
                }
            }
        } finally {
            for (Long pid : paused) {
                signal("CONT", pid);
            }
            String body = report.toString();
            report.setLength(0);
            int cut = body.indexOf("\n## ") < 0 ? body.length() : body.indexOf("\n## ") + 1;
            report.append(body, 0, cut)
                    .append("## Summary\n\n| figure | measured | raw ceiling, same run | target | |\n|---|---|---|---|---|\n");
            summary.forEach(report::append);
            report.append('\n').append(body.substring(cut));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
            log("report written to %s", out);
            if (kafka != null) {
                kafka.close();
            }
            if (db != null) {
                db.close();
            }
        }
    }

    /** The fill, then the lateness and due phases on the instances it left waiting. */
    private void fillAndWake(List<String> phases, String waitJourney, int latenessCount, int latenessRate, Duration latenessTime,
            int dueInstances, Duration fillLimit, Duration dueLimit, boolean simulated) throws Exception {
        long waiting = fill(waitJourney, latenessCount + dueInstances, fillLimit);
        flush();
        if (waiting < latenessCount + dueInstances) {
            // Measure what entered: the lateness share first, the rest for the due phase.
            latenessCount = (int) Math.min(latenessCount, waiting / 5);
            dueInstances = (int) (waiting - latenessCount);
            report.append(String.format(Locale.ROOT, "Not every profile entered in time: the lateness phase uses %,d and "
                    + "the due phase %,d instances.%n%n", latenessCount, dueInstances));
        }
        if (latenessCount > 0 && phases.contains("lateness")) {
            lateness(waitJourney, latenessCount, latenessRate, latenessTime);
            flush();
        }
        if (!phases.contains("due")) {
            report.append("## All due at once\n\nNot run (`--phases`).\n\n");
        } else if (dueInstances > 0 && simulated) {
            due(waitJourney, dueInstances, dueLimit);
            flush();
        } else if (!simulated) {
            report.append("## All due at once\n\nSkipped: the stack runs on the real clock (start it with "
                    + "`./touchpoint up --detach --simulated-clock`, as `run-journeys.sh` does).\n\n");
        }
    }

    /** The report so far, written after every phase: a run cut short keeps what it measured. */
    private void flush() throws Exception {
        Files.createDirectories(out.toAbsolutePath().getParent());
        StringBuilder partial = new StringBuilder(report).append("## Summary so far\n\n| figure | measured | raw ceiling | target | |\n|---|---|---|---|---|\n");
        summary.forEach(partial::append);
        Files.writeString(out, partial);
    }

    private void summary(String figure, String measured, String ceiling, String target, Boolean met) {
        summary.add(String.format("| %s | %s | %s | %s | %s |%n", figure, measured, ceiling, target,
                met == null ? "" : met ? "**met**" : "**missed**"));
    }

    // ---------------------------------------------------------------------------------------------- sample

    /** One track call through the gateway: a real ProfileChanged (its headers and size) and the path end to end. */
    private void sample(String sendJourney) throws Exception {
        String gateway = Settings.require(env, "TOUCHPOINT_CHANNEL_GATEWAY_URL");
        String writeKey = Settings.require(env, "TOUCHPOINT_WRITE_KEY");
        String user = "bench-" + runId + "-sample";
        String messageId = "bench-" + runId + "-sample-1";
        var seen = new java.util.concurrent.CompletableFuture<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>>();
        var requested = new java.util.concurrent.CompletableFuture<Long>();
        long sent;
        try (TopicTap changes = new TopicTap(bootstrap, "sample", List.of(Topic.PROFILE_CHANGES.topicName()))) {
            changes.listen((r, n) -> {
                ProfileChanged change = EventJson.read(r.value(), ProfileChanged.class);
                if (change.trigger() != null && messageId.equals(change.trigger().messageId())) {
                    seen.complete(r);
                }
            });
            requestSink = (r, n) -> {
                if (r.journeyId().equals(sendJourney)) {
                    requested.complete(n);
                }
            };
            String body = """
                    {"type": "track", "userId": "%s", "event": "Bench Send %s", "messageId": "%s",
                     "properties": {"plan": "free"}, "timestamp": "%s"}""".formatted(user, runId, messageId, Instant.now());
            sent = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/track"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            report.append("## Sample: one `/v1/track` through the gateway and profile-service\n\n");
            if (r.statusCode() / 100 != 2) {
                report.append("The track call answered ").append(r.statusCode()).append(' ').append(r.body()).append(".\n\n");
                return;
            }
            org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record;
            try {
                record = seen.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                report.append("No ProfileChanged for the sample within 60 s; the synthetic records use the contract's "
                        + "serializer and CloudEventHeaders.\n\n");
                return;
            }
            long pcAt = System.nanoTime();
            template = EventJson.read(record.value(), ProfileChanged.class);
            Long mrAt = null;
            try {
                mrAt = requested.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // reported below
            }
            requestSink = (x, n) -> {
            };
            StringBuilder headers = new StringBuilder();
            int headerBytes = 0;
            for (Header h : record.headers()) {
                String value = new String(h.value(), StandardCharsets.UTF_8);
                headers.append(headers.length() == 0 ? "" : ", ").append('`').append(h.key()).append('=')
                        .append(h.key().equals("ce_id") || h.key().equals("ce_time") ? "…" : value).append('`');
                headerBytes += h.key().length() + h.value().length;
                if (h.key().equals("ce_source")) {
                    source = URI.create(value);
                }
            }
            var synthetic = JourneyTraffic.profileChanged(template, profileId("bench-" + runId + "-s-", 0), "Bench Send " + runId, source);
            int syntheticHeaders = 0;
            for (Header h : synthetic.headers()) {
                syntheticHeaders += h.key().length() + h.value().length;
            }
            report.append(String.format(Locale.ROOT, "- the real ProfileChanged (profile-service's outbox relay): key %d B, value %d B, "
                    + "headers %d B: %s; value:%n%n```json%n%s%n```%n%n", record.key().length(), record.value().length, headerBytes, headers,
                    new String(record.value(), StandardCharsets.UTF_8)))
                    .append(String.format(Locale.ROOT, "- the benchmark's synthetic ones (the sampled record with its profile id, trigger "
                            + "event, message id and times replaced; the contract's serializer; the same headers): key %d B, value %d B, headers %d B%n",
                            synthetic.key().length(), synthetic.value().length, syntheticHeaders))
                    .append(String.format(Locale.ROOT, "- single event, cold: track call → ProfileChanged visible %.1f ms, → "
                            + "MessageRequested visible %s%n%n", (pcAt - sent) / 1e6,
                            mrAt == null ? "not within 60 s" : String.format(Locale.ROOT, "%.1f ms", (mrAt - sent) / 1e6)));
        }
    }

    // ---------------------------------------------------------------------------------------------- latency

    private record Latency(long sent, long seen, Histogram total, Histogram toRequested, Histogram afterRequested,
            Histogram warmup, List<long[]> windows, Map<String, Double> cores, Map<String, Double> threads,
            String pg, long lagAfterSending, double sendSeconds, long warmupSettleMs) {
    }

    private void latency(String journey, int rate, Duration warmup, Duration time, Duration drain, Duration rawTime)
            throws Exception {
        long settle = settle(Duration.ofSeconds(60));
        log("latency: %d ProfileChanged/s for %d s after %d s of warm-up", rate, time.toSeconds(), warmup.toSeconds());
        Latency l = openLoop(journey, rate, warmup, time, drain);
        report.append("## Event → MessageRequested at a steady rate\n\n").append(String.format(Locale.ROOT,
                "ProfileChanged records produced straight onto `%s` (profile-service bypassed; keyed by profile id, contract JSON, "
                        + "CloudEvents headers as sampled above), each a new profile whose trigger enters a send → exit journey, "
                        + "open loop at %d/s for %d s after %d s at the same rate not counted (its backlog worked off "
                        + "before the measured window: %,d ms). The clock starts at each record's "
                        + "intended send (before `send()`, producer linger 0) and stops when the MessageRequested with that "
                        + "profile id is returned by a plain consumer's poll on `%s`. (Stack idle before: %d ms to settle.)%n%n",
                Topic.PROFILE_CHANGES.topicName(), rate, time.toSeconds(), warmup.toSeconds(), l.warmupSettleMs(), MR_TOPIC, settle))
                .append("| | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n|---|---|---|---|---|---|---|\n")
                .append(ReportText.row("event → MessageRequested visible", l.total()))
                .append(ReportText.row("  of which intended send → `requestedAt` (consumer lag + transaction up to the step)", l.toRequested()))
                .append(ReportText.row("  of which `requestedAt` → visible (commit, outbox relay, second hop)", l.afterRequested()))
                .append(ReportText.row("warm-up (not counted)", l.warmup()))
                .append(String.format(Locale.ROOT, "%n%,d sent in the measured window, %,d MessageRequested seen (%s); "
                        + "journey-service's consumer lag when the last record was sent: %,d.%n%n", l.sent(), l.seen(),
                        l.seen() == l.sent() ? "all" : (l.sent() - l.seen()) + " missing", l.lagAfterSending()))
                .append("Latency by 5 s window of intended send (p50 / max ms): ");
        for (long[] w : l.windows()) {
            report.append(String.format(Locale.ROOT, "%ds %.0f / %.0f; ", w[0], w[1] / 1000.0, w[2] / 1000.0));
        }
        report.append("\n\n").append(cpuLine("CPU during the measured sending (cores)", l.cores(), l.sent() / l.sendSeconds(),
                "event")).append(threadLine(l.threads())).append(threadLine(clientThreads).replace("journey-service's threads",
                "The benchmark client's threads")).append(l.pg()).append('\n');
        flush();

        // ---- raw ceilings, same run, same rate, on a settled stack
        settle(drain);
        log("raw Kafka relay at %d/s for %d s", rate, rawTime.toSeconds());
        AtomicInteger counter = new AtomicInteger();
        var relay = JourneyCeilings.kafkaRelay(bootstrap, kafka, rate, Duration.ofSeconds(2), rawTime,
                i -> JourneyTraffic.profileChanged(template, "bench-" + runId + "-raw-" + String.format("%07d", counter.getAndIncrement()),
                        "Raw", source));
        log("raw PostgreSQL transactions at %d/s for %d s", rate, rawTime.toSeconds());
        JourneyCeilings.createRawSchema(db);
        var minimal = JourneyCeilings.pgTransactions(jdbc, pgUser, pgPassword, false, rate, rawTime, Duration.ofSeconds(5));
        var service = JourneyCeilings.pgTransactions(jdbc, pgUser, pgPassword, true, rate, rawTime, Duration.ofSeconds(5));
        report.append("### Raw ceilings, same run\n\n")
                .append(String.format(Locale.ROOT, "Each at the same open-loop %d/s for %d s, on the settled stack.%n%n", rate,
                        rawTime.toSeconds()))
                .append("| | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n|---|---|---|---|---|---|---|\n")
                .append(ReportText.row("Kafka, one hop: plain producer (linger 0) → plain consumer", relay.hop1Micros()))
                .append(ReportText.row("Kafka, journey-service's two hops with nothing between: → plain consumer → plain producer "
                        + "(acks=all, idempotent, default linger 5 ms, as the outbox relay) → plain consumer", relay.twoHopsMicros()))
                .append(ReportText.row("PostgreSQL, " + minimal.name() + " in one transaction (JDBC, one connection)", minimal.openLoopMicros()))
                .append(ReportText.row("PostgreSQL, " + service.name() + " in one transaction (JDBC, one connection)", service.openLoopMicros()))
                .append(String.format(Locale.ROOT, "%nClosed loop, one connection, 5 s: %s %,.0f transactions/s (p50 %.2f ms); "
                        + "%s %,.0f transactions/s (p50 %.2f ms). The relay's own statements (claim, delete) are not in either.%n%n",
                        minimal.name(), minimal.closedLoopPerSecond(), minimal.closedLoopMicros().getValueAtPercentile(50) / 1000.0,
                        service.name(), service.closedLoopPerSecond(), service.closedLoopMicros().getValueAtPercentile(50) / 1000.0));
        double p99 = l.total().getValueAtPercentile(99) / 1000.0;
        summary(String.format(Locale.ROOT, "event → MessageRequested p50 / p99, open loop %d/s", rate),
                String.format(Locale.ROOT, "%.1f / **%.1f ms** (%,d of %,d seen)", l.total().getValueAtPercentile(50) / 1000.0, p99,
                        l.seen(), l.sent()),
                String.format(Locale.ROOT, "Kafka two hops %.1f / %.1f ms; + PostgreSQL step (4 inserts) %.2f / %.2f ms, (13 "
                        + "statements) %.2f / %.2f ms", relay.twoHopsMicros().getValueAtPercentile(50) / 1000.0,
                        relay.twoHopsMicros().getValueAtPercentile(99) / 1000.0, minimal.openLoopMicros().getValueAtPercentile(50) / 1000.0,
                        minimal.openLoopMicros().getValueAtPercentile(99) / 1000.0, service.openLoopMicros().getValueAtPercentile(50) / 1000.0,
                        service.openLoopMicros().getValueAtPercentile(99) / 1000.0),
                "p99 < 100 ms", p99 < 100 && l.seen() == l.sent());
        rawMinimalPerSecond = minimal.closedLoopPerSecond();
        rawServicePerSecond = service.closedLoopPerSecond();
    }

    private Latency openLoop(String journey, int rate, Duration warmup, Duration time, Duration drain) throws Exception {
        Map<String, long[]> pending = new ConcurrentHashMap<>();
        Histogram total = new Histogram(600_000_000L, 3);
        Histogram toRequested = new Histogram(600_000_000L, 3);
        Histogram afterRequested = new Histogram(600_000_000L, 3);
        Histogram warm = new Histogram(600_000_000L, 3);
        int warmupCount = (int) (rate * warmup.toSeconds());
        int count = (int) (rate * time.toSeconds());
        int windows = (int) Math.max(1, (time.toSeconds() + 4) / 5);
        List<Histogram> perWindow = new ArrayList<>();
        for (int i = 0; i < windows; i++) {
            perWindow.add(new Histogram(600_000_000L, 3));
        }
        long interval = 1_000_000_000L / rate;
        long[] measuredStart = new long[1];
        long[] warmupSettleMs = new long[1];
        requestSink = (r, seen) -> {
            if (!r.journeyId().equals(journey)) {
                return;
            }
            long[] p = pending.remove(r.profileId());
            if (p == null) {
                return;
            }
            long latency = Math.max(1, (seen - p[0]) / 1000);
            synchronized (total) {
                if (p[1] == 1) {
                    warm.recordValue(latency);
                    return;
                }
                total.recordValue(latency);
                long requested = micros(r.requestedAt());
                toRequested.recordValue(Math.max(1, requested - wallMicros(p[0])));
                afterRequested.recordValue(Math.max(1, wallMicros(seen) - requested));
                int w = (int) Math.min(windows - 1, (p[0] - measuredStart[0]) / 5_000_000_000L);
                perWindow.get(w).recordValue(latency);
            }
        };
        String prefix = "bench-" + runId + "-s-";
        CpuSampler.Snapshot before = null;
        Map<String, Double> threadsBefore = null;
        Map<String, Double> clientBefore = null;
        PgActivity pg = null;
        long sendStart = 0;
        long sendEnd;
        Path recording = out.toAbsolutePath().getParent().resolve("journeys-latency-" + runId + ".jfr");
        try (var producer = new KafkaProducer<>(JourneyTraffic.producerConfig(bootstrap, 0), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.partitionsFor(Topic.PROFILE_CHANGES.topicName()); // metadata before the clock runs
            long next = System.nanoTime();
            for (int i = 0; i < warmupCount + count; i++) {
                if (i == warmupCount) {
                    // The warm-up's backlog (a cold JIT falls behind) is worked off before the measured window starts.
                    long settleStart = System.nanoTime();
                    while (!pending.isEmpty() && System.nanoTime() - settleStart < drain.toNanos()) {
                        Thread.sleep(100);
                    }
                    warmupSettleMs[0] = (System.nanoTime() - settleStart) / 1_000_000;
                    if (jfr) {
                        Files.createDirectories(recording.getParent());
                        IngestionBenchmark.jcmd(roots.get("journey-service"), "JFR.start", "name=bench-latency", "settings=profile",
                                "filename=" + recording);
                    }
                    next = System.nanoTime() + 1_000_000;
                    measuredStart[0] = next;
                    before = cpu.snapshot();
                    threadsBefore = CpuSampler.threads(roots.getOrDefault("journey-service", -1L));
                    clientBefore = CpuSampler.threads(ProcessHandle.current().pid());
                    pg = new PgActivity(jdbc + "?ApplicationName=" + PgActivity.APPLICATION + "-activity", pgUser, pgPassword,
                            "touchpoint_journey");
                    sendStart = System.nanoTime();
                }
                String id = profileId(prefix, i);
                ProducerRecord<String, byte[]> record = JourneyTraffic.profileChanged(template, id, "Bench Send " + runId, source);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                pending.put(id, new long[] {next, i < warmupCount ? 1 : 0});
                producer.send(record);
                next += interval;
            }
            producer.flush();
            sendEnd = System.nanoTime();
        }
        CpuSampler.Snapshot after = cpu.snapshot();
        Map<String, Double> threads = CpuSampler.threadCores(threadsBefore, CpuSampler.threads(roots.getOrDefault("journey-service",
                -1L)), (after.nanoTime() - before.nanoTime()) / 1e9);
        clientThreads = CpuSampler.threadCores(clientBefore, CpuSampler.threads(ProcessHandle.current().pid()),
                (after.nanoTime() - before.nanoTime()) / 1e9);
        long lag = kafka.lag("journey-service", Topic.PROFILE_CHANGES.topicName());
        String pgText = pg.stop(count, "event");
        if (jfr) {
            IngestionBenchmark.jcmd(roots.get("journey-service"), "JFR.stop", "name=bench-latency");
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        requestSink = (r, n) -> {
        };
        List<long[]> windowRows = new ArrayList<>();
        synchronized (total) {
            for (int i = 0; i < windows; i++) {
                Histogram h = perWindow.get(i);
                if (h.getTotalCount() > 0) {
                    windowRows.add(new long[] {i * 5L, h.getValueAtPercentile(50), h.getMaxValue()});
                }
            }
        }
        String pgAll = pgText;
        if (jfr) {
            pgAll += "\n" + jfrText("journey-service CPU samples during the measured sending", recording);
        }
        return new Latency(count, total.getTotalCount(), total, toRequested, afterRequested, warm, windowRows,
                CpuSampler.coresUsed(before, after), threads, pgAll, lag, (sendEnd - sendStart) / 1e9, warmupSettleMs[0]);
    }

    // ---------------------------------------------------------------------------------------------- api

    private void api(String journey, int rate, Duration time, Duration drain) throws Exception {
        settle(drain);
        String gateway = Settings.require(env, "TOUCHPOINT_CHANNEL_GATEWAY_URL");
        String writeKey = Settings.require(env, "TOUCHPOINT_WRITE_KEY");
        String authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        URI base = URI.create(gateway);
        int count = (int) (rate * time.toSeconds());
        int warmupCount = Math.min(count, rate * 3);
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < warmupCount + count; i++) {
            String body = """
                    {"type":"track","userId":"bench-%s-api-%d","event":"Bench Send %s","messageId":"bench-%s-api-%d",\
                    "properties":{"plan":"free"}}""".formatted(runId, i, runId, runId, i);
            requests.add(KeepAliveHttpConnection.post(base, "/v1/track", authorization, "application/json",
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Long> byMessage = new ConcurrentHashMap<>();
        Map<String, Long> byProfile = new ConcurrentHashMap<>();
        Histogram toChange = new Histogram(600_000_000L, 3);
        Histogram total = new Histogram(600_000_000L, 3);
        AtomicInteger failures = new AtomicInteger();
        long interval = 1_000_000_000L / rate;
        String prefix = "bench-" + runId + "-api-";
        log("api: %d /v1/track per second for %d s (after %d not counted)", rate, time.toSeconds(), warmupCount);
        CpuSampler.Snapshot before;
        CpuSampler.Snapshot after;
        try (TopicTap changes = new TopicTap(bootstrap, "api-changes", List.of(Topic.PROFILE_CHANGES.topicName()))) {
            changes.listen((r, seen) -> {
                ProfileChanged change = EventJson.read(r.value(), ProfileChanged.class);
                if (change.trigger() == null || change.trigger().messageId() == null
                        || !change.trigger().messageId().startsWith(prefix)) {
                    return;
                }
                Long start = byMessage.remove(change.trigger().messageId());
                if (start == null) {
                    return;
                }
                int i = Integer.parseInt(change.trigger().messageId().substring(prefix.length()));
                if (i >= warmupCount) {
                    synchronized (total) {
                        toChange.recordValue(Math.max(1, (seen - start) / 1000));
                    }
                }
                byProfile.put(change.profileId(), i >= warmupCount ? start : -start);
            });
            requestSink = (r, seen) -> {
                if (!r.journeyId().equals(journey)) {
                    return;
                }
                Long start = byProfile.remove(r.profileId());
                if (start != null && start > 0) {
                    synchronized (total) {
                        total.recordValue(Math.max(1, (seen - start) / 1000));
                    }
                }
            };
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime() + 50_000_000L;
            List<Thread> clients = new ArrayList<>();
            before = cpu.snapshot();
            for (int c = 0; c < 8; c++) {
                Thread t = new Thread(() -> {
                    try (KeepAliveHttpConnection connection = new KeepAliveHttpConnection(base)) {
                        int i;
                        while ((i = next.getAndIncrement()) < requests.size()) {
                            long due = start + i * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            byMessage.put(prefix + i, due);
                            try {
                                if (connection.exchange(requests.get(i)) / 100 != 2) {
                                    failures.incrementAndGet();
                                }
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                    }
                });
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) {
                t.join();
            }
            after = cpu.snapshot();
            long deadline = System.nanoTime() + drain.toNanos();
            while (total.getTotalCount() < count - failures.get() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            requestSink = (r, n) -> {
            };
        }
        report.append("## From the tracking API\n\n").append(String.format(Locale.ROOT,
                "`POST /v1/track` (8 keep-alive connections, open loop) at %d/s for %d s after %d calls not counted, each a new user "
                        + "whose event enters the same send → exit journey: gateway → interactions topic → profile-service → "
                        + "ProfileChanged (outbox) → journey-service → MessageRequested. Latency from each call's intended start. "
                        + "%d calls failed.%n%n", rate, time.toSeconds(), warmupCount, failures.get()))
                .append("| | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n|---|---|---|---|---|---|---|\n")
                .append(ReportText.row("track call → ProfileChanged visible", toChange))
                .append(ReportText.row("track call → MessageRequested visible", total)).append('\n')
                .append(cpuLine("CPU during the calls (cores)", CpuSampler.coresUsed(before, after), rate, "call")).append('\n');
        summary(String.format(Locale.ROOT, "track API → MessageRequested p50 / p99, open loop %d/s", rate),
                String.format(Locale.ROOT, "%.1f / %.1f ms (%,d of %,d)", total.getValueAtPercentile(50) / 1000.0,
                        total.getValueAtPercentile(99) / 1000.0, total.getTotalCount(), count),
                "as above", "(no target of its own)", null);
    }

    // ---------------------------------------------------------------------------------------------- fill and storage

    private long fill(String journey, int count, Duration limit) throws Exception {
        settle(Duration.ofSeconds(120));
        Map<String, Long> sizesBefore = sizes();
        log("fill: %,d profiles enter the wait journey", count);
        long insertedBefore = tableCounter("wakeup", "n_tup_ins");
        CpuSampler.Snapshot before = cpu.snapshot();
        Map<String, Double> threadsBefore = CpuSampler.threads(roots.getOrDefault("journey-service", -1L));
        PgActivity pg = new PgActivity(jdbc + "?ApplicationName=" + PgActivity.APPLICATION + "-activity", pgUser, pgPassword,
                "touchpoint_journey");
        long start = System.nanoTime();
        AtomicInteger errors = new AtomicInteger();
        try (var producer = new KafkaProducer<>(JourneyTraffic.producerConfig(bootstrap, 5), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(JourneyTraffic.profileChanged(template, profileId("bench-" + runId + "-w-", i), "Bench Wait " + runId,
                        source), (m, e) -> {
                            if (e != null) {
                                errors.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        double produced = (System.nanoTime() - start) / 1e9;
        long waiting = 0;
        List<String> timeline = new ArrayList<>();
        long lastMark = start;
        // Progress from the statistics counters (wake-ups inserted); an exact count only to confirm the end.
        long lastExact = start;
        while (System.nanoTime() - start < limit.toNanos()) {
            long inserted = tableCounter("wakeup", "n_tup_ins") - insertedBefore;
            if (System.nanoTime() - lastMark >= 30_000_000_000L) {
                lastMark = System.nanoTime();
                timeline.add(String.format(Locale.ROOT, "%.0fs %,d", (lastMark - start) / 1e9, inserted));
            }
            // The counters are approximate (a backend that goes idle may keep its last counts unflushed in
            // PostgreSQL 14): near the end, and every 10 s anyway, the exact count decides.
            // At most every 2 s: the count is a sequential scan of journey_instance (a 20,000 fill read 252,295 rows in 19
            // such scans, half of its pg_stat_database tup_returned, when it ran every 250 ms near the end).
            if (inserted >= count - 2_000 && System.nanoTime() - lastExact >= 2_000_000_000L
                    || System.nanoTime() - lastExact >= 10_000_000_000L) {
                lastExact = System.nanoTime();
                waiting = count(db, "SELECT count(*) FROM journey_instance WHERE journey_id = ? AND state = 'waiting'", journey);
                if (waiting >= count) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        if (waiting < count) {
            waiting = count(db, "SELECT count(*) FROM journey_instance WHERE journey_id = ? AND state = 'waiting'", journey);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuSampler.Snapshot after = cpu.snapshot();
        Map<String, Double> threads = CpuSampler.threadCores(threadsBefore, CpuSampler.threads(roots.getOrDefault("journey-service",
                -1L)), (after.nanoTime() - before.nanoTime()) / 1e9);
        String pgText = pg.stop(waiting, "entry");
        long outboxLeft = count(db, "SELECT count(*) FROM outbox", null);
        long drainStart = System.nanoTime();
        while (count(db, "SELECT count(*) FROM outbox", null) > 0 && System.nanoTime() - drainStart < 300_000_000_000L) {
            Thread.sleep(500);
        }
        double drained = (System.nanoTime() - drainStart) / 1e9;
        report.append("## Entering: profiles into a wait\n\n").append(String.format(Locale.ROOT,
                "%,d ProfileChanged records (one new profile each, trigger of a wait P1D → send → exit journey) produced as fast as "
                        + "the producer goes (%.1f s, %d send errors); journey-service entered them as fast as it could: "
                        + "**%,d waiting after %.1f s → %,.0f entries/s** (each: trigger record, entry, instance, wake-up, step, "
                        + "two journey events through the outbox, one transaction). %s%n%n",
                count, produced, errors.get(), waiting, seconds, waiting / seconds, timeline.isEmpty() ? ""
                        : "Waiting instances over time: " + String.join(", ", timeline) + "."))
                .append(String.format(Locale.ROOT, "The outbox held %,d journey events when the last instance waited; relayed in %.1f s more.%n%n",
                        outboxLeft, drained))
                .append(cpuLine("CPU while entering (cores)", CpuSampler.coresUsed(before, after), waiting / seconds, "entry"))
                .append(threadLine(threads)).append(pgText).append('\n');
        summary("entries/s (trigger → instance waiting), saturated", String.format(Locale.ROOT, "%,.0f/s", waiting / seconds),
                String.format(Locale.ROOT, "plain JDBC, one connection, closed loop: %,.0f tx/s of the 13 statements of an entry, "
                        + "%,.0f tx/s of 4 inserts", rawServicePerSecond, rawMinimalPerSecond), "(no target of its own)", null);
        storage(journey, waiting, sizesBefore);
        return waiting;
    }

    private static final List<String> TABLES = List.of("journey_instance", "journey_step", "journey_entry", "wakeup", "outbox");

    private Map<String, Long> sizes() throws Exception {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String table : TABLES) {
            sizes.put(table, count(db, "SELECT pg_total_relation_size('public." + table + "')", null));
        }
        return sizes;
    }

    private void storage(String journey, long waiting, Map<String, Long> before) throws Exception {
        try (Statement s = db.createStatement()) {
            // Statistics only (row counts, no rewrite): the sizes are the tables as the service left them.
            s.execute("ANALYZE journey_instance, journey_step, journey_entry, wakeup, outbox");
        }
        Map<String, Long> after = sizes();
        long waitingAll = count(db, "SELECT count(*) FROM journey_instance WHERE state = 'waiting'", null);
        report.append("## Storage per waiting instance\n\n").append(String.format(Locale.ROOT,
                "`pg_total_relation_size` (heap, indexes, TOAST) of each table once %,d instances wait (%,d waiting in all) and the "
                        + "outbox is relayed; \"added\" is the growth since before they entered, over the %,d.%n%n", waiting, waitingAll, waiting))
                .append("| table | size now | added | added per waiting instance | size now per waiting instance | live rows now |\n"
                        + "|---|---|---|---|---|---|\n");
        long totalNow = 0;
        long totalAdded = 0;
        for (String table : TABLES) {
            long now = after.get(table);
            long added = now - before.get(table);
            totalNow += now;
            totalAdded += added;
            long rows = count(db, "SELECT n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = '" + table + "'", null);
            report.append(String.format(Locale.ROOT, "| `%s` | %,d kB | %,d kB | %,.0f B | %,.0f B | %,d |%n", table, now / 1024, added / 1024,
                    (double) added / Math.max(1, waiting), (double) now / Math.max(1, waitingAll), rows));
        }
        report.append(String.format(Locale.ROOT, "| **all five** | %,d kB | %,d kB | **%,.0f B** | %,.0f B | |%n%n", totalNow / 1024,
                totalAdded / 1024, (double) totalAdded / Math.max(1, waiting), (double) totalNow / Math.max(1, waitingAll)));
        long rowBytes = countWith(db, """
                SELECT (SELECT coalesce(sum(pg_column_size(i.*)), 0) FROM journey_instance i WHERE i.journey_id = ? AND i.state = 'waiting')
                     + (SELECT coalesce(sum(pg_column_size(s.*)), 0) FROM journey_step s JOIN journey_instance i ON i.id = s.instance_id
                        WHERE i.journey_id = ? AND i.state = 'waiting')
                     + (SELECT coalesce(sum(pg_column_size(e.*)), 0) FROM journey_entry e WHERE e.journey_id = ?)
                     + (SELECT coalesce(sum(pg_column_size(w.*)), 0) FROM wakeup w JOIN journey_instance i ON i.id = w.wakeup_key
                        WHERE i.journey_id = ?)""", journey, journey, journey, journey);
        report.append(String.format(Locale.ROOT, "Row data alone (`pg_column_size` of the instance, its step, its entry and its wake-up, "
                + "no page or index overhead): %,.0f B per waiting instance.%n%n", (double) rowBytes / Math.max(1, waiting)));
        summary("storage per waiting instance (5 tables, indexes included)",
                String.format(Locale.ROOT, "%,.0f B", (double) totalAdded / Math.max(1, waiting)),
                String.format(Locale.ROOT, "row data alone %,.0f B", (double) rowBytes / Math.max(1, waiting)), "(none)", null);
    }

    // ---------------------------------------------------------------------------------------------- lateness

    private void lateness(String journey, int count, int rate, Duration time) throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench_raw");
            s.execute("DROP TABLE IF EXISTS bench_raw.due");
            s.execute("CREATE TABLE bench_raw.due (instance_id text PRIMARY KEY, profile_id text NOT NULL, due timestamptz NOT NULL)");
        }
        List<String[]> chosen = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("""
                SELECT w.wakeup_key, i.profile_id FROM wakeup w JOIN journey_instance i ON i.id = w.wakeup_key
                WHERE w.kind = 'journey-wait' AND i.journey_id = ? ORDER BY w.id LIMIT ?""")) {
            s.setString(1, journey);
            s.setInt(2, count);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    chosen.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        Instant first = Instant.now().plusSeconds(5);
        long stepNanos = 1_000_000_000L / rate;
        Map<String, Long> dueByProfile = new ConcurrentHashMap<>();
        db.setAutoCommit(false);
        try (PreparedStatement s = db.prepareStatement("INSERT INTO bench_raw.due VALUES (?, ?, ?)")) {
            for (int i = 0; i < chosen.size(); i++) {
                Instant due = first.plusNanos(i * stepNanos);
                s.setString(1, chosen.get(i)[0]);
                s.setString(2, chosen.get(i)[1]);
                s.setObject(3, OffsetDateTime.ofInstant(due, ZoneOffset.UTC));
                s.addBatch();
                dueByProfile.put(chosen.get(i)[1], micros(due));
                if (i % 1000 == 999) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
        long moved;
        try (PreparedStatement s = db.prepareStatement("""
                UPDATE wakeup w SET due_at = d.due FROM bench_raw.due d WHERE w.kind = 'journey-wait' AND w.wakeup_key = d.instance_id""")) {
            moved = s.executeUpdate();
        }
        db.commit();
        db.setAutoCommit(true);
        double headroom = Duration.between(Instant.now(), first).toMillis() / 1000.0;
        log("lateness: %,d waits moved to fall due %d per second from %s (%.1f s from now)", moved, rate, first, headroom);
        Histogram visible = new Histogram(600_000_000L, 3);
        requestSink = (r, seen) -> {
            if (!r.journeyId().equals(journey)) {
                return;
            }
            Long due = dueByProfile.remove(r.profileId());
            if (due != null) {
                synchronized (visible) {
                    visible.recordValue(Math.max(1, wallMicros(seen) - due));
                }
            }
        };
        long untilFirst = Duration.between(Instant.now(), first).toNanos();
        if (untilFirst > 0) {
            Thread.sleep(untilFirst / 1_000_000);
        }
        CpuSampler.Snapshot before = cpu.snapshot();
        Map<String, Double> threadsBefore = CpuSampler.threads(roots.getOrDefault("journey-service", -1L));
        PgActivity pg = new PgActivity(jdbc + "?ApplicationName=" + PgActivity.APPLICATION + "-activity", pgUser, pgPassword,
                "touchpoint_journey");
        Thread.sleep(time.toMillis());
        CpuSampler.Snapshot after = cpu.snapshot();
        Map<String, Double> threads = CpuSampler.threadCores(threadsBefore, CpuSampler.threads(roots.getOrDefault("journey-service",
                -1L)), (after.nanoTime() - before.nanoTime()) / 1e9);
        String pgText = pg.stop(moved, "wake-up");
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (!dueByProfile.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        requestSink = (r, n) -> {
        };
        double[] fired = new double[5];
        try (PreparedStatement s = db.prepareStatement("""
                SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY l), percentile_disc(0.99) WITHIN GROUP (ORDER BY l),
                       percentile_disc(0.999) WITHIN GROUP (ORDER BY l), max(l)
                FROM (SELECT extract(epoch FROM s.at - d.due) * 1000 AS l FROM bench_raw.due d
                      JOIN journey_step s ON s.instance_id = d.instance_id AND s.node_id = 'send') x""");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            for (int i = 0; i < 5; i++) {
                fired[i] = rs.getDouble(i + 1);
            }
        }
        report.append("## Wake-up lateness at ").append(rate).append(" due per second\n\n").append(String.format(Locale.ROOT,
                "The wake-ups of %,d waiting instances (of the fill above) moved in PostgreSQL so that %d fall due each second for "
                        + "%d s on the real clock (journey-service's clock not moved yet; the first due %.1f s after the update "
                        + "committed; the scheduler re-reads the earliest due instant at least every second). Lateness of the "
                        + "step = `journey_step.at` of the send step (the service's clock when the wake-up's handler ran) − due; "
                        + "of the request = MessageRequested visible to a plain consumer − due.%n%n", moved, rate,
                time.toSeconds(), headroom))
                .append("| | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n|---|---|---|---|---|---|---|\n")
                .append(String.format(Locale.ROOT, "| step taken − due (PostgreSQL) | %,.0f | %.1f | | %.1f | %.1f | %.1f |%n", fired[0],
                        fired[1], fired[2], fired[3], fired[4]))
                .append(ReportText.row("MessageRequested visible − due", visible)).append('\n')
                .append(cpuLine("CPU while they fell due (cores)", CpuSampler.coresUsed(before, after), rate, "wake-up"))
                .append(threadLine(threads)).append(pgText).append('\n');
        double p99 = visible.getValueAtPercentile(99) / 1000.0;
        summary(String.format(Locale.ROOT, "wake-up lateness p50 / p99 at %,d due/s (real clock)", rate),
                String.format(Locale.ROOT, "step %.0f / %.0f ms; MessageRequested visible %.0f / **%.0f ms** (%,d of %,d)", fired[1],
                        fired[2], visible.getValueAtPercentile(50) / 1000.0, p99, visible.getTotalCount(), moved),
                "the scheduler's poll interval bounds the first: 1 s; Kafka two hops above", "p99 < 1 s",
                p99 < 1000 && visible.getTotalCount() == moved);
    }

    // ---------------------------------------------------------------------------------------------- due at once

    private void due(String journey, int expected, Duration limit) throws Exception {
        Instant at = Instant.now().plus(Duration.ofHours(1));
        long moved;
        try (PreparedStatement s = db.prepareStatement("""
                UPDATE wakeup SET due_at = ? WHERE kind = 'journey-wait' AND wakeup_key IN
                  (SELECT id FROM journey_instance WHERE journey_id = ? AND state = 'waiting')""")) {
            s.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            s.setString(2, journey);
            moved = s.executeUpdate();
        }
        settle(Duration.ofSeconds(120));
        long base = requestsByJourney.computeIfAbsent(journey, k -> new AtomicLong()).get();
        AtomicLong lastSeen = new AtomicLong();
        AtomicLong firstSeen = new AtomicLong();
        requestSink = (r, seen) -> {
            if (r.journeyId().equals(journey)) {
                firstSeen.compareAndSet(0, seen);
                lastSeen.set(seen);
            }
        };
        log("due: %,d waits due at %s; moving journey-service's clock there", moved, at);
        Path recording = out.toAbsolutePath().getParent().resolve("journeys-due-" + runId + ".jfr");
        if (jfr) {
            Files.createDirectories(recording.getParent());
            IngestionBenchmark.jcmd(roots.get("journey-service"), "JFR.start", "name=bench-due", "settings=profile",
                    "filename=" + recording);
        }
        CpuSampler.Snapshot before = cpu.snapshot();
        Map<String, Double> threadsBefore = CpuSampler.threads(roots.getOrDefault("journey-service", -1L));
        PgActivity pg = new PgActivity(jdbc + "?ApplicationName=" + PgActivity.APPLICATION + "-activity", pgUser, pgPassword,
                "touchpoint_journey");
        long start = System.nanoTime();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(journeyUrl + "/v1/dev/clock"))
                .header("Authorization", "Bearer " + Settings.require(env, "TOUCHPOINT_ADMIN_TOKEN"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"instant\":\"" + at + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        double putMs = (System.nanoTime() - start) / 1e6;
        if (put.statusCode() != 200) {
            report.append("## All due at once\n\nMoving journey-service's clock failed: ").append(put.statusCode()).append(' ')
                    .append(put.body()).append("\n\n");
            pg.stop(0, "");
            return;
        }
        List<String> timeline = new ArrayList<>();
        long remaining = moved;
        long dbDone = 0;
        long lastMark = start;
        long outboxMax = 0;
        // Cheap probes only (a count over 100,000 rows every poll would take PostgreSQL's CPU from the service):
        // whether any due wake-up is left (an index probe), the wake-ups deleted so far (statistics counters).
        long deletedBefore = tableCounter("wakeup", "n_tup_del");
        int polls = 0;
        while (System.nanoTime() - start < limit.toNanos()) {
            boolean left = count(db, "SELECT count(*) FROM (SELECT 1 FROM wakeup WHERE due_at <= ? LIMIT 1) x", at) > 0;
            if (!left && dbDone == 0) {
                dbDone = System.nanoTime();
                remaining = 0;
            }
            long seen = requestsByJourney.get(journey).get() - base;
            if (polls++ % 4 == 0) {
                long outbox = count(db, "SELECT count(*) FROM outbox", null);
                outboxMax = Math.max(outboxMax, outbox);
                if (System.nanoTime() - lastMark >= 2_000_000_000L) {
                    lastMark = System.nanoTime();
                    timeline.add(String.format(Locale.ROOT, "| %.0f | %,d | %,d | %,d |", (lastMark - start) / 1e9,
                            tableCounter("wakeup", "n_tup_del") - deletedBefore, outbox, seen));
                }
            }
            if (seen >= moved && !left) {
                break;
            }
            Thread.sleep(250);
        }
        if (dbDone == 0) {
            remaining = count(db, "SELECT count(*) FROM wakeup WHERE kind = 'journey-wait' AND due_at <= ?", at);
        }
        long end = System.nanoTime();
        long seen = requestsByJourney.get(journey).get() - base;
        CpuSampler.Snapshot after = cpu.snapshot();
        Map<String, Double> threads = CpuSampler.threadCores(threadsBefore, CpuSampler.threads(roots.getOrDefault("journey-service",
                -1L)), (after.nanoTime() - before.nanoTime()) / 1e9);
        String pgText = pg.stop(moved - remaining, "wake-up");
        if (jfr) {
            IngestionBenchmark.jcmd(roots.get("journey-service"), "JFR.stop", "name=bench-due");
        }
        requestSink = (r, n) -> {
        };
        double allSeen = lastSeen.get() == 0 ? Double.NaN : (lastSeen.get() - start) / 1e9;
        double firstMs = firstSeen.get() == 0 ? Double.NaN : (firstSeen.get() - start) / 1e6;
        double dbSeconds = dbDone == 0 ? Double.NaN : (dbDone - start) / 1e9;
        String stepSpan = "";
        try (PreparedStatement s = db.prepareStatement("""
                SELECT extract(epoch FROM min(s.at) - ?) , extract(epoch FROM max(s.at) - ?), count(*)
                FROM journey_step s JOIN journey_instance i ON i.id = s.instance_id
                WHERE i.journey_id = ? AND s.node_id = 'send' AND s.at >= ?""")) {
            OffsetDateTime x = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
            s.setObject(1, x);
            s.setObject(2, x);
            s.setString(3, journey);
            s.setObject(4, x);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                stepSpan = String.format(Locale.ROOT, "send steps taken on the service's clock from %.2f s to %.2f s after the instant "
                        + "(%,d steps)", rs.getDouble(1), rs.getDouble(2), rs.getLong(3));
            }
        }
        boolean complete = seen >= moved;
        double figure = complete ? allSeen : (end - start) / 1e9;
        report.append("## All due at once\n\n").append(String.format(Locale.ROOT,
                "The wake-ups of the other %,d waiting instances moved to one instant an hour ahead, then journey-service's simulated "
                        + "clock set to it (`PUT /v1/dev/clock`, %.0f ms; only journey-service's: the wake-ups are its own, and "
                        + "the paused services could not answer). Time from the PUT: first MessageRequested visible %.0f ms; "
                        + "every wake-up fired and its transaction committed (no due `wakeup` row left) %s; **every "
                        + "MessageRequested visible %s** (%,d of %,d); %s. Outbox peak %,d rows.%n%n",
                moved, putMs, firstMs, Double.isNaN(dbSeconds) ? "not within the limit" : String.format(Locale.ROOT, "%.1f s", dbSeconds),
                complete ? String.format(Locale.ROOT, "%.1f s", allSeen) : "NOT within " + limit.toSeconds() + " s", seen, moved, stepSpan,
                outboxMax))
                .append(String.format(Locale.ROOT, "Rate: %,.0f wake-ups/s through to Kafka.%n%n", seen / Math.max(0.001, complete ? allSeen : (end - start) / 1e9)))
                .append("| s since the PUT | wake-ups deleted (fired; statistics counter, ≤ 0.5 s behind) | outbox rows | MessageRequested visible |\n|---|---|---|---|\n");
        timeline.forEach(t -> report.append(t).append('\n'));
        report.append('\n').append(cpuLine("CPU while they advanced (cores)", CpuSampler.coresUsed(before, after), seen / Math.max(0.001, figure),
                "wake-up")).append(threadLine(threads)).append(pgText).append('\n');
        if (jfr) {
            report.append(jfrText("journey-service CPU samples while they advanced", recording)).append('\n');
        }
        summary(String.format(Locale.ROOT, "%,d waits due at one instant, all advanced (MessageRequested on Kafka)", moved),
                complete ? String.format(Locale.ROOT, "**%.1f s** (%,.0f/s; in PostgreSQL %.1f s)", allSeen, moved / allSeen, dbSeconds)
                        : String.format(Locale.ROOT, "**not within %d s**: %,d of %,d", limit.toSeconds(), seen, moved),
                "Kafka producer far above (the raw relay above at any rate); PostgreSQL closed loop above", "< 30 s", complete && allSeen < 30);
    }

    // ---------------------------------------------------------------------------------------------- broadcast

    /**
     * A one-off scheduled broadcast to a segment of {@code count} fresh profiles: their ProfileChanged
     * (no trigger) and SegmentMembershipChanged (entered) produced straight onto the two topics,
     * consumed to the end by journey-service, then a send → exit journey scheduled one simulated
     * minute ahead for that segment and the clock advanced two minutes. Time from the advance until
     * every member entered and until every MessageRequested is on Kafka.
     */
    private void broadcast(int count, Duration limit, List<Long> paused) throws Exception {
        settle(Duration.ofSeconds(120));
        String segment = "bench-broadcast-" + runId;
        String prefix = "bench-" + runId + "-b-";
        String admin = Settings.require(env, "TOUCHPOINT_ADMIN_TOKEN");
        Instant simulatedBefore = simulatedNow(journeyUrl, admin);
        long profilesBefore = count(db, "SELECT count(*) FROM journey_profile", null);
        log("broadcast: %,d profiles and their membership of %s onto the two topics", count, segment);
        CpuSampler.Snapshot ingestBefore = cpu.snapshot();
        long start = System.nanoTime();
        AtomicInteger errors = new AtomicInteger();
        try (var producer = new KafkaProducer<>(JourneyTraffic.producerConfig(bootstrap, 5), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = profileId(prefix, i);
                org.apache.kafka.clients.producer.Callback callback = (m, e) -> {
                    if (e != null) {
                        errors.incrementAndGet();
                    }
                };
                producer.send(JourneyTraffic.profileChanged(template, id, null, source), callback);
                producer.send(JourneyTraffic.membershipChanged(id, segment, true, simulatedBefore), callback);
            }
            producer.flush();
        }
        double produced = (System.nanoTime() - start) / 1e9;
        long ingestDeadline = System.nanoTime() + limit.toNanos();
        long lagChanges;
        long lagMemberships;
        do {
            Thread.sleep(500);
            lagChanges = kafka.lag("journey-service", Topic.PROFILE_CHANGES.topicName());
            lagMemberships = kafka.lag("journey-service", Topic.SEGMENT_MEMBERSHIPS.topicName());
        } while ((lagChanges > 0 || lagMemberships > 0) && System.nanoTime() < ingestDeadline);
        double ingested = (System.nanoTime() - start) / 1e9;
        CpuSampler.Snapshot ingestAfter = cpu.snapshot();
        long profilesKnown = count(db, "SELECT count(*) FROM journey_profile", null);
        long members = count(db, "SELECT count(*) FROM journey_membership WHERE segment_id = ? AND member", segment);
        report.append("## Scheduled broadcast to a segment\n\n").append(String.format(Locale.ROOT,
                "%,d ProfileChanged records (each a new profile, no trigger: journey-service only keeps its copy) and %,d "
                        + "SegmentMembershipChanged (entered `%s`) produced straight onto `%s` and `%s` (keyed by profile id, "
                        + "contract JSON, CloudEvents headers) in %.1f s (%d send errors); journey-service consumed both to the "
                        + "end (group `journey-service` lag %,d / %,d) %.1f s after the first send (%,.0f records/s). It knows "
                        + "%,d profiles now (%,d before), %,d of them in the segment.%n%n", count, count, segment,
                Topic.PROFILE_CHANGES.topicName(), Topic.SEGMENT_MEMBERSHIPS.topicName(), produced, errors.get(), lagChanges,
                lagMemberships, ingested, 2.0 * count / ingested, profilesKnown, profilesBefore, members))
                .append(cpuLine("CPU while consuming them (cores)", CpuSampler.coresUsed(ingestBefore, ingestAfter),
                        2.0 * count / ingested, "record"));
        flush();

        Instant now = simulatedNow(journeyUrl, admin);
        java.time.LocalDateTime at = java.time.LocalDateTime.ofInstant(now.plusSeconds(60), ZoneOffset.UTC)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String journey = publishJourney("""
                {"name": "bench broadcast %s", "trigger": {"schedule": {"at": "%s"}}, "audience": {"inSegment": "%s"},
                 "nodes": [{"id": "send", "type": "send", "template": "bench-broadcast", "channel": "email", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(runId, at, segment));
        Instant target = now.plusSeconds(120);
        log("broadcast: journey %s scheduled at %s (UTC, simulated; now %s); advancing the clocks to %s", journey, at, now, target);
        AtomicLong firstSeen = new AtomicLong();
        AtomicLong lastSeen = new AtomicLong();
        AtomicLong seenCount = new AtomicLong();
        requestSink = (r, seen) -> {
            if (r.journeyId().equals(journey)) {
                firstSeen.compareAndSet(0, seen);
                lastSeen.set(seen);
                seenCount.incrementAndGet();
            }
        };
        Path recording = out.toAbsolutePath().getParent().resolve("journeys-broadcast-" + runId + ".jfr");
        if (jfr) {
            Files.createDirectories(recording.getParent());
            IngestionBenchmark.jcmd(roots.get("journey-service"), "JFR.start", "name=bench-broadcast", "settings=profile",
                    "filename=" + recording);
        }
        CpuSampler.Snapshot before = cpu.snapshot();
        Map<String, Double> threadsBefore = CpuSampler.threads(roots.getOrDefault("journey-service", -1L));
        PgActivity pg = new PgActivity(jdbc + "?ApplicationName=" + PgActivity.APPLICATION + "-activity", pgUser, pgPassword,
                "touchpoint_journey");
        long advance = System.nanoTime();
        // As `./touchpoint clock advance 2m` does: every service, the gateway last; journey-service first here, since the
        // measurement starts with its move. Paused services (SIGSTOP) cannot answer and are left alone.
        List<String> moved = new ArrayList<>();
        List<String> notMoved = new ArrayList<>();
        for (String[] service : List.of(new String[] {"journey-service", "TOUCHPOINT_JOURNEY_URL"},
                new String[] {"profile-service", "TOUCHPOINT_PROFILE_URL"}, new String[] {"segmentation-service", "TOUCHPOINT_SEGMENTATION_URL"},
                new String[] {"analytics-service", "TOUCHPOINT_ANALYTICS_URL"}, new String[] {"channel-gateway", "TOUCHPOINT_CHANNEL_GATEWAY_URL"})) {
            Long pid = roots.get(service[0]);
            if (pid != null && paused.contains(pid) || env.get(service[1]) == null) {
                notMoved.add(service[0] + " (paused)");
                continue;
            }
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(env.get(service[1]) + "/v1/dev/clock"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"instant\":\"" + target + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            (put.statusCode() == 200 ? moved : notMoved).add(service[0] + (put.statusCode() == 200 ? "" : " (" + put.statusCode() + ")"));
        }
        double putMs = (System.nanoTime() - advance) / 1e6;
        long enteredAt = 0;
        long entered = 0;
        boolean done = false;
        long lastMark = advance;
        List<String> timeline = new ArrayList<>();
        // A cheap probe: the walk's own row (entered so far, committed page by page); an exact count at the end.
        while (System.nanoTime() - advance < limit.toNanos()) {
            try (PreparedStatement s = db.prepareStatement("SELECT coalesce(sum(entered), 0), bool_and(done) FROM journey_broadcast "
                    + "WHERE journey_id = ?")) {
                s.setString(1, journey);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    entered = rs.getLong(1);
                    done = rs.getBoolean(2);
                }
            }
            if (enteredAt == 0 && (entered >= count || done)) {
                enteredAt = System.nanoTime();
            }
            if (System.nanoTime() - lastMark >= 5_000_000_000L) {
                lastMark = System.nanoTime();
                timeline.add(String.format(Locale.ROOT, "| %.0f | %,d | %,d |", (lastMark - advance) / 1e9, entered, seenCount.get()));
            }
            if (enteredAt != 0 && seenCount.get() >= count) {
                break;
            }
            Thread.sleep(250);
        }
        long end = System.nanoTime();
        CpuSampler.Snapshot after = cpu.snapshot();
        Map<String, Double> threads = CpuSampler.threadCores(threadsBefore, CpuSampler.threads(roots.getOrDefault("journey-service",
                -1L)), (after.nanoTime() - before.nanoTime()) / 1e9);
        String pgText = pg.stop(entered, "entry");
        if (jfr) {
            IngestionBenchmark.jcmd(roots.get("journey-service"), "JFR.stop", "name=bench-broadcast");
        }
        requestSink = (r, n) -> {
        };
        long instances = count(db, "SELECT count(*) FROM journey_instance WHERE journey_id = ?", journey);
        String firstEntry = "";
        try (PreparedStatement s = db.prepareStatement("""
                SELECT extract(epoch FROM min(entered_at) - ?), extract(epoch FROM max(entered_at) - ?) FROM journey_instance
                WHERE journey_id = ?""")) {
            OffsetDateTime x = OffsetDateTime.ofInstant(at.toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
            s.setObject(1, x);
            s.setObject(2, x);
            s.setString(3, journey);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                firstEntry = String.format(Locale.ROOT, "entries stamped on the service's clock from %.2f s to %.2f s after the "
                        + "occurrence (the advance lands ~60 s past it, so the first is ~60 s)", rs.getDouble(1), rs.getDouble(2));
            }
        }
        boolean allEntered = enteredAt != 0 && instances >= count;
        boolean allSeen = seenCount.get() >= count;
        double enterSeconds = allEntered ? (enteredAt - advance) / 1e9 : Double.NaN;
        double seenSeconds = allSeen ? (lastSeen.get() - advance) / 1e9 : Double.NaN;
        double window = (end - advance) / 1e9;
        // The occurrence falls due between 0 and 60 s of simulated time after the advance's instant is reached: at once.
        double rate = allEntered ? count / enterSeconds : entered / window;
        double rateSeen = allSeen ? count / seenSeconds : seenCount.get() / window;
        double million = 1_000_000 / Math.min(rate, rateSeen);
        report.append(String.format(Locale.ROOT, "Then a journey (schedule `{\"at\": \"%s\"}` in UTC, one simulated minute ahead; audience "
                + "`{\"inSegment\": \"%s\"}`; send → exit) created and published, and the clocks advanced two minutes to %s "
                + "(`PUT /v1/dev/clock` as `./touchpoint clock advance 2m` does: %s moved, %s not; %.0f ms). The walk pages "
                + "through all %,d profiles journey-service knows (500 a page, one wake-up and one transaction each), the "
                + "segment's %,d among them. From the advance: first MessageRequested visible %s; **every member entered %s** "
                + "(walk's own counter %,d, `journey_instance` rows %,d); **every MessageRequested visible %s** (%,d of %,d); %s.%n%n",
                at, segment, target, String.join(", ", moved), notMoved.isEmpty() ? "none" : String.join(", ", notMoved), putMs,
                profilesKnown, members, firstSeen.get() == 0 ? "none" : String.format(Locale.ROOT, "%.2f s", (firstSeen.get() - advance) / 1e9),
                allEntered ? String.format(Locale.ROOT, "%.1f s (%,.0f entries/s)", enterSeconds, rate) : "NOT within " + limit.toSeconds() + " s",
                entered, instances, allSeen ? String.format(Locale.ROOT, "%.1f s (%,.0f/s)", seenSeconds, rateSeen)
                        : "NOT within " + limit.toSeconds() + " s", seenCount.get(), count, firstEntry))
                .append(String.format(Locale.ROOT, "Linearly extrapolated to a 1,000,000-profile segment (the slower of the two rates; "
                        + "the walk also pages through profiles outside the segment, %,d here): **%.0f s**.%n%n", profilesKnown - members, million))
                .append("| s since the advance | entered (walk's counter, committed pages) | MessageRequested visible |\n|---|---|---|\n");
        timeline.forEach(t -> report.append(t).append('\n'));
        report.append('\n').append(cpuLine("CPU during the broadcast (cores)", CpuSampler.coresUsed(before, after), entered / Math.max(0.001, window),
                "entry")).append(threadLine(threads)).append(pgText).append('\n');
        if (jfr) {
            report.append(jfrText("journey-service CPU samples during the broadcast", recording)).append('\n');
        }
        summary(String.format(Locale.ROOT, "scheduled broadcast to a %,d-profile segment (%,d profiles known), from the clock's advance", count,
                profilesKnown),
                String.format(Locale.ROOT, "all entered %s, all MessageRequested on Kafka %s → **1M ≈ %.0f s** (linear)",
                        allEntered ? String.format(Locale.ROOT, "%.1f s (%,.0f/s)", enterSeconds, rate) : "not within " + limit.toSeconds() + " s",
                        allSeen ? String.format(Locale.ROOT, "%.1f s (%,.0f/s)", seenSeconds, rateSeen) : "not within " + limit.toSeconds() + " s",
                        million),
                Double.isNaN(rawServicePerSecond) ? "plain JDBC ceiling not measured in this run (latency phase)"
                        : String.format(Locale.ROOT, "plain JDBC, one connection, closed loop: %,.0f tx/s of an entry's 13 statements "
                                + "(1M in %.0f s), %,.0f tx/s of 4 inserts (1M in %.0f s)", rawServicePerSecond, 1e6 / rawServicePerSecond,
                                rawMinimalPerSecond, 1e6 / rawMinimalPerSecond),
                "1M < 120 s", allEntered && allSeen && million < 120);
    }

    private Instant simulatedNow(String url, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/dev/clock"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/dev/clock answered " + r.statusCode() + " " + r.body());
        }
        var m = java.util.regex.Pattern.compile("\"instant\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("unexpected clock: " + r.body());
        }
        return Instant.parse(m.group(1));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private String publishJourney(String definition) throws Exception {
        return new StackApi(env).publishJourney(definition);
    }

    /** Waits until journey-service consumed every trigger and its outbox is empty; milliseconds it took. */
    private long settle(Duration limit) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            if (kafka.lag("journey-service", Topic.PROFILE_CHANGES.topicName()) == 0 && count(db, "SELECT count(*) FROM outbox", null) == 0) {
                break;
            }
            Thread.sleep(250);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Profile ids as profile-service makes them (UUIDs, 36 characters), derived from a name so runs do not collide. */
    private static String profileId(String prefix, int i) {
        return UUID.nameUUIDFromBytes((prefix + i).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String cpuLine(String title, Map<String, Double> cores, double perSecond, String unit) {
        StringBuilder line = new StringBuilder(title).append(':');
        cores.forEach((role, c) -> {
            if (c >= 0.01 || role.equals(CpuSampler.MACHINE)) {
                line.append(String.format(Locale.ROOT, " %s %.2f;", role, c));
            }
        });
        line.setLength(line.length() - 1);
        double service = cores.getOrDefault("journey-service", 0.0) + cores.getOrDefault("postgres touchpoint_journey", 0.0);
        if (perSecond > 0) {
            line.append(String.format(Locale.ROOT, ". journey-service + its PostgreSQL backends: %.0f µs of CPU per %s", 1e6 * service / perSecond,
                    unit));
        }
        return line.append(".\n\n").toString();
    }

    private static String threadLine(Map<String, Double> threads) {
        StringBuilder line = new StringBuilder("journey-service's threads (cores; groups ≥ 0.02):");
        threads.forEach((group, c) -> {
            if (c >= 0.02) {
                line.append(String.format(Locale.ROOT, " %s %.2f;", group, c));
            }
        });
        line.setLength(line.length() - 1);
        return line.append(".\n\n").toString();
    }

    private static final List<JfrBreakdown.Activity> JOURNEY = List.of(
            new JfrBreakdown.Activity("logging (JBoss Log Manager)", List.of("org.jboss.logmanager", "org.jboss.logging")),
            new JfrBreakdown.Activity("JSON (Jackson: events, outbox payloads)", List.of("com.fasterxml.jackson")),
            new JfrBreakdown.Activity("PostgreSQL client (Vert.x pg client: codec, pool)", List.of("io.vertx.pgclient", "io.vertx.sqlclient",
                    "io.vertx.mutiny.sqlclient", "io.vertx.mutiny.pgclient")),
            new JfrBreakdown.Activity("Kafka consumer (poll, fetch, deserialize)", List.of("org.apache.kafka.clients.consumer",
                    "io.smallrye.reactive.messaging.kafka.impl.KafkaSource", "io.smallrye.reactive.messaging.kafka.impl.ReactiveKafkaConsumer")),
            new JfrBreakdown.Activity("Kafka producer send (caller thread)", List.of("org.apache.kafka.clients.producer",
                    "org.apache.kafka.common.record")),
            new JfrBreakdown.Activity("journey logic (TriggerConsumer, JourneyRunner, InstanceStore, WaitOver)", List.of("io.touchpoint.journey")),
            new JfrBreakdown.Activity("conditions", List.of("io.touchpoint.conditions")),
            new JfrBreakdown.Activity("platform (outbox relay, wake-up scheduler, erasure check)", List.of("io.touchpoint.platform")),
            new JfrBreakdown.Activity("SmallRye Reactive Messaging (emitter, Kafka sink, CloudEvents)", List.of("io.smallrye.reactive.messaging")),
            new JfrBreakdown.Activity("Mutiny / context propagation / Arc", List.of("io.smallrye.mutiny", "io.smallrye.context", "io.quarkus.arc")),
            new JfrBreakdown.Activity("metrics (Micrometer, Kafka metrics)", List.of("io.micrometer", "org.apache.kafka.common.metrics")),
            new JfrBreakdown.Activity("Vert.x / Netty I/O", List.of("io.netty", "io.vertx", "sun.nio")));

    private static String jfrText(String title, Path recording) {
        try {
            Map<String, Double> profile = JfrBreakdown.analyse(recording, JOURNEY);
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s (JFR, %.0f samples, each to the known activity "
                    + "nearest the leaf; the recording skews the figures):", title, profile.get("samples")));
            profile.forEach((activity, share) -> {
                if (!activity.equals("samples") && share >= 0.01) {
                    text.append(String.format(Locale.ROOT, " %.0f%% %s;", 100 * share, activity));
                }
            });
            text.setLength(text.length() - 1);
            return text.append(".\n").toString();
        } catch (Exception e) {
            return title + ": the JFR recording could not be read (" + e + ").\n";
        }
    }

    /** A cumulative pg_stat_user_tables counter (flushed by the backends at most every 500 ms). */
    private long tableCounter(String table, String counter) throws Exception {
        return count(db, "SELECT " + counter + " FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ?", table);
    }

    private static long count(Connection db, String sql, Object param) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            if (param instanceof Instant at) {
                s.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            } else if (param != null) {
                s.setString(1, (String) param);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long countWith(Connection db, String sql, String... params) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }

    private static void log(String format, Object... args) {
        System.err.printf("[journey-benchmark] " + format + "%n", args);
    }
}
