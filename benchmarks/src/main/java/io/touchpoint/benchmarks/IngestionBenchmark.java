package io.touchpoint.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Ingestion benchmark against a running stack ({@code ./touchpoint up --detach}): events/s and
 * accept latency of the gateway's {@code POST /v1/batch} and {@code /v1/track}, how fast
 * profile-service applies them, and, in the same run against the same broker, Kafka's own
 * ProducerPerformance as the raw ceiling. Every loop is bounded in count and time; all traffic
 * goes to the addresses in the launcher's credentials file (localhost).
 *
 * <p>Phases: warm-up (not measured), record-size sample, settle, raw producer, settle, batch load,
 * wait until profile-service applied it all, settle, single-event track load, open-loop batches at half
 * the gateway's rate, open-loop batches at a rate the whole pipeline sustains, the target phase
 * (open-loop batches at 40% of the raw producer's records/s with every consumer running: what issue
 * #3's target asks), optionally the same with the consumers at a lower OS priority, and the batch
 * load again with every consumer paused (diagnostic).
 * Options: {@code --name=value}; see {@link #main}. Writes a Markdown report to stdout and a file.
 */
public final class IngestionBenchmark {

    private static final String INTERACTIONS = "touchpoint.interactions.v1";
    private static final String PROFILE_GROUP = "profile-service";

    private final Settings settings;
    private final StringBuilder report = new StringBuilder();

    private IngestionBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        new IngestionBenchmark(new Settings(args)).run();
    }

    private void run() throws Exception {
        String defaultState = System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint");
        Path state = Path.of(settings.string("state", defaultState)).toAbsolutePath();
        Path credentials = Path.of(settings.string("credentials", state.resolve("credentials.env").toString()));
        int concurrency = settings.integer("concurrency", 8);
        int batchSize = settings.integer("batch-size", 100);
        int batchRequests = settings.integer("batch-requests", 300);
        int warmupRequests = settings.integer("warmup-requests", 60);
        // Diagnostic: the same load with every consumer of the stack paused (SIGSTOP), as the raw producer had it.
        int isolatedRequests = settings.integer("isolated-batch-requests", 1000);
        int users = settings.integer("users", 5000);
        int trackRequests = settings.integer("track-requests", 1000);
        int trackConcurrency = settings.integer("track-concurrency", 1);
        // Open-loop phase: batches at this fraction of the closed-loop events/s, for latency at a sustainable rate.
        double steadyFraction = Double.parseDouble(settings.string("steady-fraction", "0.5"));
        int steadyRequests = settings.integer("steady-requests", 300);
        // Second open-loop phase: a rate the whole pipeline keeps up with (this fraction of profile-service's apply
        // rate), in batches of an SDK's usual flush size, for at most sustained-seconds.
        double sustainedFraction = Double.parseDouble(settings.string("sustained-fraction", "0.8"));
        int sustainedBatchSize = settings.integer("sustained-batch-size", 20);
        Duration sustainedLimit = settings.seconds("sustained-seconds", 60);
        // The target phase: open loop at this fraction of the raw producer's records/s, every consumer running.
        double targetFraction = Double.parseDouble(settings.string("target-fraction", "0.4"));
        int targetBatchSize = settings.integer("target-batch-size", 100);
        Duration targetDuration = settings.seconds("target-seconds", 20);
        // Before the target phase, the same open-loop load for this long, not measured: the gateway's JIT
        // compiles for this rate (C2 took 0.4 cores of a target phase that followed only the shorter phases).
        Duration targetWarmup = settings.seconds("target-warmup-seconds", 20);
        // Client connections of the open-loop phases: enough that a slow answer delays no other request.
        int openLoopConnections = settings.integer("open-loop-connections", 32);
        // The target phase runs a second time with every consumer service (and its PostgreSQL backends) at the
        // gateway's priority, whatever the launcher gave them: a separate figure, not the target's.
        boolean equalPriorityPhase = Boolean.parseBoolean(settings.string("equal-priority-phase", "true"));
        long rawRecords = settings.integer("raw-records", 500_000);
        String rawTopic = settings.string("raw-topic", "bench.raw");
        int rawPartitions = settings.integer("raw-partitions", 6);
        Duration phaseLimit = settings.seconds("phase-limit-seconds", 120);
        Duration applyLimit = settings.seconds("apply-limit-seconds", 240);
        Duration settleLimit = settings.seconds("settle-limit-seconds", 180);
        long seed = settings.integer("seed", 42);
        String runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        Path out = Path.of(settings.string("out", moduleTarget().resolve("bench-results").resolve("ingestion-" + runId + ".md")
                .toString()));
        // Diagnostics only (skews the figures): record the gateway's CPU samples during the batch load with JFR.
        boolean jfr = Boolean.parseBoolean(settings.string("jfr", "false"));
        settings.rejectUnknown();

        Map<String, String> env = Settings.readEnvFile(credentials);
        String gateway = Settings.require(env, "TOUCHPOINT_CHANNEL_GATEWAY_URL");
        String writeKey = Settings.require(env, "TOUCHPOINT_WRITE_KEY");
        String bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        requireLocal(gateway);
        requireLocal("kafka://" + bootstrap);
        awaitReady(gateway);
        Files.createDirectories(out.toAbsolutePath().getParent());

        Map<String, Long> roots = CpuSampler.stackProcesses(state);
        CpuSampler cpu = new CpuSampler(roots, state);
        RedisStats redis = new RedisStats(Settings.require(env, "TOUCHPOINT_DEVSTACK_REDIS_URL"));
        HttpLoad load = new HttpLoad(gateway, writeKey);
        String batchUri = "/v1/batch";
        String trackUri = "/v1/track";
        // Compared like for like: the raw producer runs with the settings the gateway logged for its own producer.
        Map<String, String> producerProps = gatewayProducerSettings(state.resolve("logs").resolve("channel-gateway.log"));
        SyntheticEvents events = new SyntheticEvents(runId, users, seed);
        String loadAtStart = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "n/a";
        ZonedDateTime startedAt = ZonedDateTime.now(ZoneOffset.UTC);

        try (KafkaProbe kafka = new KafkaProbe(bootstrap);
                ProfileProgress profiles = new ProfileProgress(Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_HOST"),
                        Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PORT"),
                        Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_USER"),
                        Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD"))) {

            log("warm-up: %d batches of %d at concurrency %d, then %d single tracks (not measured)", warmupRequests,
                    batchSize, concurrency, Math.max(50, trackRequests / 5));
            HttpLoad.Result warmup = load.run("warmup", load.prepare(batchUri, events.batches(warmupRequests, batchSize)),
                    batchSize, concurrency, phaseLimit);
            load.run("warmup-track", load.prepare(trackUri, events.tracks(Math.max(50, trackRequests / 5))), 1,
                    trackConcurrency, phaseLimit);
            log("warm-up: %.0f events/s, p99 %.1f ms, failures %s", warmup.eventsPerSecond(), warmup.percentileMillis(99),
                    warmup.failures());

            KafkaProbe.RecordSizes sizes = kafka.sampleSizes(INTERACTIONS, 600);
            int rawRecordSize = sizes.sampled() > 0 ? (int) Math.round(sizes.total()) : 600;
            log("interaction records: %d sampled, key %.0f + value %.0f + headers %.0f = %d bytes", sizes.sampled(),
                    sizes.key(), sizes.value(), sizes.headers(), rawRecordSize);

            settle(kafka, settleLimit, "after warm-up");

            // The raw ceiling, with the stack idle.
            log("raw producer: %d records of %d bytes to %s (%d partitions), unthrottled, producer settings %s", rawRecords,
                    rawRecordSize, rawTopic, rawPartitions, producerProps);
            kafka.recreateTopic(rawTopic, rawPartitions);
            CpuSampler.Snapshot rawCpuBefore = cpu.snapshot();
            RawProducer.Result raw = RawProducer.run(bootstrap, rawTopic, rawRecords, rawRecordSize, producerProps,
                    Duration.ofSeconds(180),
                    out.toAbsolutePath().getParent().resolve("producer-performance-" + runId + ".log"));
            Map<String, Double> rawCpu = CpuSampler.coresUsed(rawCpuBefore, cpu.snapshot());
            kafka.deleteTopic(rawTopic);
            log("raw producer: %s", raw.summaryLine());
            settle(kafka, settleLimit, "after the raw producer");

            // Batch load through the gateway.
            List<byte[]> bodies = events.batches(batchRequests, batchSize);
            long bodyBytes = bodies.stream().mapToLong(b -> b.length).sum();
            List<byte[]> batchRequestBytes = load.prepare(batchUri, bodies);
            long appliedBefore = profiles.applied();
            long offsetsBefore = KafkaProbe.sum(kafka.endOffsets(INTERACTIONS));
            Prometheus gatewayBefore = Prometheus.scrape(gateway);
            Map<String, RedisStats.Command> redisBefore = redis.commandStats();
            CpuSampler.Snapshot batchCpuBefore = cpu.snapshot();
            log("batch load: %d requests of %d events (%.0f bytes each) at concurrency %d", batchRequests, batchSize,
                    (double) bodyBytes / batchRequests, concurrency);
            Path jfrFile = out.toAbsolutePath().getParent().resolve("gateway-batch-" + runId + ".jfr");
            if (jfr) {
                jcmd(roots.get("channel-gateway"), "JFR.start", "name=bench", "settings=profile", "filename=" + jfrFile);
            }
            long sendStart = System.nanoTime();
            HttpLoad.Result batch = load.run("batch", batchRequestBytes, batchSize, concurrency, phaseLimit);
            long sendEnd = System.nanoTime();
            if (jfr) {
                jcmd(roots.get("channel-gateway"), "JFR.stop", "name=bench");
                log("gateway JFR recording of the batch load: %s", jfrFile);
            }
            Map<String, Double> cpuProfile = jfr ? JfrBreakdown.analyse(jfrFile) : Map.of();
            CpuSampler.Snapshot batchCpuAfter = cpu.snapshot();
            Prometheus gatewayAfter = Prometheus.scrape(gateway);
            Map<String, RedisStats.Command> redisAfter = redis.commandStats();
            long appliedAtSendEnd = profiles.applied() - appliedBefore;
            long published = KafkaProbe.sum(kafka.endOffsets(INTERACTIONS)) - offsetsBefore;
            log("batch load: %.0f events/s, p50 %.1f ms, p99 %.1f ms, failures %s; profile-service applied %d so far",
                    batch.eventsPerSecond(), batch.percentileMillis(50), batch.percentileMillis(99), batch.failures(),
                    appliedAtSendEnd);

            // Wait until profile-service has applied every accepted event.
            long batchAccepted = batch.eventsAccepted();
            long applyDeadline = sendEnd + applyLimit.toNanos();
            long applied = appliedAtSendEnd;
            long appliedAt = sendEnd;
            while (applied < batchAccepted && System.nanoTime() < applyDeadline) {
                Thread.sleep(200);
                applied = profiles.applied() - appliedBefore;
                appliedAt = System.nanoTime();
            }
            CpuSampler.Snapshot applyCpuAfter = cpu.snapshot();
            boolean allApplied = applied >= batchAccepted;
            long profileLag = kafka.lag(PROFILE_GROUP, INTERACTIONS);
            log("profile-service applied %d of %d in %.1f s after the first send (%s)", applied, batchAccepted,
                    (appliedAt - sendStart) / 1e9, allApplied ? "all" : "time limit reached");
            Duration pipeline = settle(kafka, settleLimit, "after the batch load");

            // Single events at low concurrency, the stack otherwise idle.
            Prometheus trackBefore = Prometheus.scrape(gateway);
            log("track load: %d single /v1/track at concurrency %d", trackRequests, trackConcurrency);
            HttpLoad.Result track = load.run("track", load.prepare(trackUri, events.tracks(trackRequests)), 1, trackConcurrency,
                    phaseLimit);
            Prometheus trackAfter = Prometheus.scrape(gateway);
            log("track load: %.0f req/s, p50 %.2f ms, p99 %.2f ms, failures %s", track.requestsPerSecond(),
                    track.percentileMillis(50), track.percentileMillis(99), track.failures());
            settle(kafka, settleLimit, "after the track load");

            // Batches arriving at a steady rate the stack sustains (consumers running), latency from the intended start.
            double steadyRequestsPerSecond = Math.max(0.5, steadyFraction * batch.requestsPerSecond());
            log("steady load: %d batches of %d at %.1f requests/s (%.0f events/s, open loop)", steadyRequests, batchSize,
                    steadyRequestsPerSecond, steadyRequestsPerSecond * batchSize);
            List<byte[]> steadyRequestBytes = load.prepare(batchUri, events.batches(steadyRequests, batchSize));
            CpuSampler.Snapshot steadyCpuBefore = cpu.snapshot();
            HttpLoad.Result steady = load.runAtRate("steady", steadyRequestBytes, batchSize, steadyRequestsPerSecond,
                    openLoopConnections, phaseLimit);
            Map<String, Double> steadyCpu = CpuSampler.coresUsed(steadyCpuBefore, cpu.snapshot());
            log("steady load: %.0f events/s, p50 %.1f ms, p99 %.1f ms, failures %s", steady.eventsPerSecond(),
                    steady.percentileMillis(50), steady.percentileMillis(99), steady.failures());
            settle(kafka, settleLimit, "after the steady load");

            double applyRate = applied / ((appliedAt - sendStart) / 1e9);
            double sustainedRequestsPerSecond = Math.max(0.5, sustainedFraction * applyRate / sustainedBatchSize);
            int sustainedRequests = (int) Math.ceil(sustainedRequestsPerSecond * sustainedLimit.toSeconds());
            log("sustained load: %d batches of %d at %.1f requests/s (%.0f events/s, open loop)", sustainedRequests,
                    sustainedBatchSize, sustainedRequestsPerSecond, sustainedRequestsPerSecond * sustainedBatchSize);
            List<byte[]> sustainedRequestBytes = load.prepare(batchUri, events.batches(sustainedRequests, sustainedBatchSize));
            CpuSampler.Snapshot sustainedCpuBefore = cpu.snapshot();
            HttpLoad.Result sustained = load.runAtRate("sustained", sustainedRequestBytes, sustainedBatchSize,
                    sustainedRequestsPerSecond, openLoopConnections, sustainedLimit.plusSeconds(10));
            Map<String, Double> sustainedCpu = CpuSampler.coresUsed(sustainedCpuBefore, cpu.snapshot());
            log("sustained load: %.0f events/s, p50 %.1f ms, p99 %.1f ms, failures %s", sustained.eventsPerSecond(),
                    sustained.percentileMillis(50), sustained.percentileMillis(99), sustained.failures());
            settle(kafka, settleLimit, "after the sustained load");

            // The target phase: exactly targetFraction of the raw producer's records/s, open loop, on the stack as
            // ./touchpoint up runs it (the processing tier at the launcher's lower CPU priority), for a bounded time.
            // It leaves a backlog the consumers work off in the following phases, so it comes after every phase that
            // waits for an idle stack.
            List<Long> consumers = roots.entrySet().stream()
                    .filter(e -> !e.getKey().equals("channel-gateway") && !e.getKey().equals("devstack"))
                    .map(Map.Entry::getValue).toList();
            double targetRequestsPerSecond = targetFraction * raw.recordsPerSecond() / targetBatchSize;
            Phase target = null;
            Phase targetEqual = null;
            String launchedPriority = priorities(roots, state);
            if (raw.completed() && targetDuration.toSeconds() > 0) {
                log("target load on the stack as launched: %s", launchedPriority);
                if (targetWarmup.toSeconds() > 0) {
                    targetPhase("target-warmup", load, events, cpu, gateway, batchUri, targetRequestsPerSecond, targetBatchSize,
                            targetWarmup, openLoopConnections);
                }
                target = targetPhase("target", load, events, cpu, gateway, batchUri, targetRequestsPerSecond, targetBatchSize,
                        targetDuration, openLoopConnections);
                if (equalPriorityPhase) {
                    // Not waiting for the backlog the target phase left (minutes of profile-service work): with every
                    // process at the same priority the consumers compete for the cores with it, which is this figure's point.
                    List<Long> tasks = consumerTasks(consumers, state);
                    Map<Long, Integer> launched = niceOf(tasks);
                    log("target load again with %d threads of the consumer services and their PostgreSQL backends at nice 0, "
                            + "as the gateway", tasks.size());
                    Thread restore = new Thread(() -> {
                        try {
                            restoreNice(launched);
                        } catch (Exception e) {
                            // best effort
                        }
                    });
                    Runtime.getRuntime().addShutdownHook(restore);
                    renice(0, tasks);
                    try {
                        targetEqual = targetPhase("target-equal-priority", load, events, cpu, gateway, batchUri,
                                targetRequestsPerSecond, targetBatchSize, targetDuration, openLoopConnections);
                    } finally {
                        restoreNice(launched);
                        Runtime.getRuntime().removeShutdownHook(restore);
                    }
                }
            }

            HttpLoad.Result isolated = null;
            Map<String, Double> isolatedCpu = Map.of();
            Prometheus isolatedBefore = null;
            Prometheus isolatedAfter = null;
            if (isolatedRequests > 0) {
                List<byte[]> isolatedRequestBytes = load.prepare(batchUri, events.batches(isolatedRequests, batchSize));
                // Well under the consumers' 45 s session timeout, so nobody is evicted from its group.
                Duration isolatedLimit = phaseLimit.compareTo(Duration.ofSeconds(25)) < 0 ? phaseLimit : Duration.ofSeconds(25);
                log("isolated batch load: %d requests with the consumers %s paused (at most %d s)", isolatedRequests, consumers,
                        isolatedLimit.toSeconds());
                // Ctrl-C while they are paused must not leave them stopped.
                Thread resume = new Thread(() -> {
                    try {
                        signal("CONT", consumers);
                    } catch (Exception e) {
                        // best effort
                    }
                });
                Runtime.getRuntime().addShutdownHook(resume);
                signal("STOP", consumers);
                try {
                    isolatedBefore = Prometheus.scrape(gateway);
                    CpuSampler.Snapshot before = cpu.snapshot();
                    isolated = load.run("isolated", isolatedRequestBytes, batchSize, concurrency, isolatedLimit);
                    isolatedCpu = CpuSampler.coresUsed(before, cpu.snapshot());
                    isolatedAfter = Prometheus.scrape(gateway);
                } finally {
                    signal("CONT", consumers);
                    Runtime.getRuntime().removeShutdownHook(resume);
                }
                log("isolated batch load: %.0f events/s, p50 %.1f ms, p99 %.1f ms, failures %s (the consumers now work off "
                        + "the backlog; not waited for)", isolated.eventsPerSecond(), isolated.percentileMillis(50),
                        isolated.percentileMillis(99), isolated.failures());
            }

            // ---- report ----
            line("# Ingestion benchmark run %s", runId);
            line("");
            line("- date: %s", startedAt.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            line("- machine: %s", machine());
            line("- load average at start: %s", loadAtStart);
            line("- options: %s", settings.used());
            line("- interaction record on Kafka (mean of %d sampled): key %.0f B, value %.0f B, headers %.0f B; raw producer "
                    + "record size %d B", sizes.sampled(), sizes.key(), sizes.value(), sizes.headers(), rawRecordSize);
            line("- producer settings, gateway's interaction producer (from its log) and raw ProducerPerformance alike: %s",
                    producerProps);
            line("- HTTP client: one blocking keep-alive socket per client thread, requests built before each phase");
            line("");
            line("| measure | gateway / profile-service | raw Kafka ProducerPerformance, same run |");
            line("|---|---|---|");
            line("| events/s accepted, `POST /v1/batch` (%d clients, %d events per batch) | **%,.0f** (%.1f%% of raw) | **%,.0f** records/s (%.1f MB/s, %d × %d B, acks=all) |",
                    concurrency, batchSize, batch.eventsPerSecond(), 100 * batch.eventsPerSecond() / raw.recordsPerSecond(),
                    raw.recordsPerSecond(), raw.mbPerSecond(), raw.records(), rawRecordSize);
            line("| `/v1/batch` requests/s | %,.1f | |", batch.requestsPerSecond());
            for (Phase phase : java.util.Arrays.asList(target, targetEqual)) {
                if (phase == null) {
                    continue;
                }
                HttpLoad.Result r = phase.result();
                line("| **target phase%s**: `/v1/batch` open loop at %.0f%% of raw = %,.0f events/s intended (%d events per batch, %.1f requests/s, %d s, %d connections), %s: events/s accepted; p50 / p90 / p99 / p99.9 / max accept from intended start (ms) | **%,.0f** (%.1f%% of raw; %d of %d requests sent, %d ok); %s | |",
                        phase == targetEqual ? ", every process at the same priority" : "", 100 * targetFraction,
                        phase.intendedEventsPerSecond(), phase.batchSize(), phase.requestsPerSecond(), targetDuration.toSeconds(),
                        openLoopConnections, phase == targetEqual
                                ? "consumer services and their PostgreSQL backends reniced to 0, the gateway's priority, with the target phase's backlog (a separate figure, NOT the stack as launched)"
                                : "the whole stack running as `./touchpoint up` starts it (" + launchedPriority + ")",
                        r.eventsPerSecond(), 100 * r.eventsPerSecond() / raw.recordsPerSecond(), r.requests(),
                        phase.requestsDue(), r.ok(), latencies(r));
            }
            if (isolated != null) {
                line("| diagnostic: events/s accepted, same load, every consumer paused (stack idle but gateway, Kafka, Redis, as for the raw producer) | %,.0f (%.1f%% of raw); p50 / p90 / p99 / p99.9 / max %s ms | |",
                        isolated.eventsPerSecond(), 100 * isolated.eventsPerSecond() / raw.recordsPerSecond(), latencies(isolated));
            }
            line("| `/v1/batch` accept latency p50 / p90 / p99 / p99.9 / max (ms, per request) | %s | per record send→ack: p50 %.0f, p95 %.0f, p99 %.0f, p99.9 %.0f, max %.0f (avg %.1f) |",
                    latencies(batch), raw.p50Ms(), raw.p95Ms(), raw.p99Ms(), raw.p999Ms(), raw.maxLatencyMs(), raw.avgLatencyMs());
            line("| `/v1/batch` accept latency at a steady %,.0f events/s (%.0f%% of the rate above, open loop, consumers running): p50 / p90 / p99 / p99.9 / max (ms) | %s | |",
                    steadyRequestsPerSecond * batchSize, 100 * steadyFraction, latencies(steady));
            line("| `/v1/batch` accept latency at a sustained %,.0f events/s (%.0f%% of profile-service's apply rate below, so the whole pipeline keeps up), %d events per batch, %d batches, open loop: p50 / p90 / p99 / p99.9 / max (ms) | %s | |",
                    sustainedRequestsPerSecond * sustainedBatchSize, 100 * sustainedFraction, sustainedBatchSize,
                    sustained.requests(), latencies(sustained));
            line("| `POST /v1/track` single event, %d client(s): latency p50 / p90 / p99 / p99.9 / max (ms) | %s (%,.0f req/s) | |",
                    trackConcurrency, latencies(track), track.requestsPerSecond());
            double overall = applied / ((appliedAt - sendStart) / 1e9);
            double drain = appliedAt > sendEnd ? (applied - appliedAtSendEnd) / ((appliedAt - sendEnd) / 1e9) : Double.NaN;
            line("| events/s applied by profile-service, first send → last applied (%,d events) | **%,.0f**%s | |", batchAccepted,
                    overall, allApplied ? "" : " (time limit reached: " + applied + " applied)");
            line("| … applied during the %.1f s of sending / drain rate after sending stopped | %,d (%,.0f/s) / %,.0f/s over %.1f s | |",
                    batch.seconds(), appliedAtSendEnd, appliedAtSendEnd / batch.seconds(), drain, (appliedAt - sendEnd) / 1e9);
            line("| whole pipeline settled (every consumer group's lag 0) after sending stopped | %.1f s | |",
                    (pipeline.toNanos() + (appliedAt - sendEnd)) / 1e9);
            line("");
            // Judged on the target phase: an open loop at 40% of raw whose every request was sent on schedule and
            // accepted, with p99 from the intended start under 50 ms, is the gateway sustaining that rate.
            if (target != null) {
                HttpLoad.Result r = target.result();
                boolean allAccepted = r.ok() == target.requestsDue();
                boolean met = allAccepted && r.percentileMillis(99) < 50 && targetFraction >= 0.4;
                line("Target (issue #3: ≥ 40%% of raw records/s with p99 accept < 50 ms, whole stack running), judged on the "
                        + "target phase: **%s**: %,.0f events/s offered (%.0f%% of raw), %,.0f accepted per second (%.1f%% of raw), "
                        + "%s, p99 %.1f ms from intended start.",
                        met ? "met" : "NOT met", target.intendedEventsPerSecond(), 100 * targetFraction, r.eventsPerSecond(),
                        100 * r.eventsPerSecond() / raw.recordsPerSecond(),
                        allAccepted ? "every request accepted" : (r.ok() + " of " + target.requestsDue() + " requests accepted"),
                        r.percentileMillis(99));
                if (targetEqual != null) {
                    HttpLoad.Result n = targetEqual.result();
                    line("Separate figure (every consumer reniced to the gateway's priority, with the target phase's backlog): "
                            + "%,.0f events/s accepted (%.1f%% of raw), %d of %d requests accepted, p99 %.1f ms.",
                            n.eventsPerSecond(), 100 * n.eventsPerSecond() / raw.recordsPerSecond(), n.ok(),
                            targetEqual.requestsDue(), n.percentileMillis(99));
                }
            } else {
                line("Target: not judged (the raw producer did not finish or the target phase was switched off).");
            }
            line("Other latency figures: `/v1/batch` p99 accept < 50 ms **%s** at half the gateway's closed-loop rate (%.1f ms), "
                    + "**%s** at a rate the pipeline sustains (%.1f ms); saturated closed loop: %.1f ms (%.1f%% of raw).",
                    steady.percentileMillis(99) < 50 ? "met" : "NOT met", steady.percentileMillis(99),
                    sustained.percentileMillis(99) < 50 ? "met" : "NOT met", sustained.percentileMillis(99),
                    batch.percentileMillis(99), 100 * batch.eventsPerSecond() / raw.recordsPerSecond());
            line("");
            line("Failures: warm-up %s, batch %s, track %s, steady %s, sustained %s, target %s%s.", warmup.failures(),
                    batch.failures(), track.failures(), steady.failures(), sustained.failures(),
                    target == null ? "-" : target.result().failures(),
                    batch.firstFailure() == null ? "" : "; first: " + batch.firstFailure());
            if (target != null && target.result().firstFailure() != null) {
                line("First failure in the target phase: %s", target.result().firstFailure());
            }
            line("Records published to %s during the batch load: %,d (accepted %,d)%s.", INTERACTIONS, published,
                    batch.eventsAccepted(), batch.timedOut() ? "; the phase hit its time limit" : "");
            line("profile-service consumer lag (committed offsets) when the last event was applied: %,d.", profileLag);
            line("");
            line("## Where the time goes (batch load)");
            line("");
            diagnostics(batch, gatewayBefore, gatewayAfter, redisBefore, redisAfter, raw, trackBefore, trackAfter);
            line("");
            line("CPU, in cores used (2 = the whole machine), per phase:");
            line("");
            Map<String, Double> batchCpu = CpuSampler.coresUsed(batchCpuBefore, batchCpuAfter);
            Map<String, Map<String, Double>> phaseCpu = new LinkedHashMap<>();
            phaseCpu.put("raw producer", rawCpu);
            phaseCpu.put("batch load (sending)", batchCpu);
            phaseCpu.put("apply (after sending)", CpuSampler.coresUsed(batchCpuAfter, applyCpuAfter));
            phaseCpu.put("steady load", steadyCpu);
            phaseCpu.put("sustained load", sustainedCpu);
            phaseCpu.put("target load", target == null ? Map.of() : target.cores());
            if (targetEqual != null) {
                phaseCpu.put("target load, equal priority", targetEqual.cores());
            }
            phaseCpu.put("isolated batch load (consumers paused)", isolatedCpu);
            cpuTable(phaseCpu);
            line("");
            StringBuilder perEvent = new StringBuilder("CPU per accepted event (µs): benchmark client JVM ")
                    .append(String.format(Locale.ROOT, "%.1f batch load, %.1f steady, %.1f sustained",
                            clientMicrosPerEvent(batchCpu, batch), clientMicrosPerEvent(steadyCpu, steady),
                            clientMicrosPerEvent(sustainedCpu, sustained)));
            if (target != null) {
                perEvent.append(String.format(Locale.ROOT, ", %.1f target", clientMicrosPerEvent(target.cores(), target.result())));
            }
            if (isolated != null) {
                perEvent.append(String.format(Locale.ROOT, ", %.1f isolated", clientMicrosPerEvent(isolatedCpu, isolated)));
            }
            if (target != null) {
                perEvent.append(String.format(Locale.ROOT, "; gateway JVM %.0f in the target phase",
                        1e6 * target.gatewayCpuSeconds() / Math.max(1, target.result().eventsAccepted())));
            }
            if (targetEqual != null) {
                perEvent.append(String.format(Locale.ROOT, ", %.0f in the equal-priority target phase (client %.1f)",
                        1e6 * targetEqual.gatewayCpuSeconds() / Math.max(1, targetEqual.result().eventsAccepted()),
                        clientMicrosPerEvent(targetEqual.cores(), targetEqual.result())));
            }
            line("%s.", perEvent);
            if (isolated != null) {
                double cpuSeconds = isolatedAfter.delta(isolatedBefore, "process_cpu_time_ns_total") / 1e9;
                line("");
                line("Isolated batch load: gateway JVM %.2f cores, %.0f µs CPU per event; Redis client-observed mean %.2f ms per call.",
                        cpuSeconds / isolated.seconds(), 1e6 * cpuSeconds / Math.max(1, isolated.eventsAccepted()),
                        1000 * isolatedAfter.delta(isolatedBefore, "redis_commands_duration_seconds_sum")
                                / isolatedAfter.delta(isolatedBefore, "redis_commands_duration_seconds_count"));
            }
            if (!cpuProfile.isEmpty()) {
                line("");
                line("Gateway CPU samples during the batch load (JFR, %.0f samples; each sample counted under the activity of "
                        + "the frame nearest the leaf):", cpuProfile.get("samples"));
                line("");
                line("| activity | share of samples |");
                line("|---|---|");
                cpuProfile.forEach((activity, share) -> {
                    if (!activity.equals("samples")) {
                        line("| %s | %.1f%% |", activity, 100 * share);
                    }
                });
            }
            line("");
            line("Raw producer: `%s` (wall %.1f s).", raw.summaryLine(), raw.wall().toMillis() / 1000.0);
        }
        String text = report.toString();
        System.out.println();
        System.out.println(text);
        Files.writeString(out, text);
        log("report written to %s", out.toAbsolutePath());
    }

    /** One open-loop phase of the target kind, with the CPU it cost. */
    private record Phase(HttpLoad.Result result, int requestsDue, double requestsPerSecond, int batchSize,
            Map<String, Double> cores, double gatewayCpuSeconds) {

        double intendedEventsPerSecond() {
            return requestsPerSecond * batchSize;
        }
    }

    private static Phase targetPhase(String name, HttpLoad load, SyntheticEvents events, CpuSampler cpu, String gateway,
            String path, double requestsPerSecond, int batchSize, Duration duration, int connections) throws Exception {
        int count = (int) Math.ceil(requestsPerSecond * duration.toSeconds());
        log("%s load: %d batches of %d at %.1f requests/s (%.0f events/s, open loop) for %d s", name, count, batchSize,
                requestsPerSecond, requestsPerSecond * batchSize, duration.toSeconds());
        List<byte[]> requests = load.prepare(path, events.batches(count, batchSize));
        Prometheus before = Prometheus.scrape(gateway);
        CpuSampler.Snapshot cpuBefore = cpu.snapshot();
        HttpLoad.Result result = load.runAtRate(name, requests, batchSize, requestsPerSecond, connections, duration);
        Map<String, Double> cores = CpuSampler.coresUsed(cpuBefore, cpu.snapshot());
        Prometheus after = Prometheus.scrape(gateway);
        log("%s load: %.0f events/s of %.0f intended, p50 %.1f ms, p99 %.1f ms, %d of %d requests sent, failures %s", name,
                result.eventsPerSecond(), requestsPerSecond * batchSize, result.percentileMillis(50),
                result.percentileMillis(99), result.requests(), count, result.failures());
        log("%s load: slowest 500 ms windows by intended start: %s", name, result.slowWindows(8));
        return new Phase(result, count, requestsPerSecond, batchSize, cores,
                after.delta(before, "process_cpu_time_ns_total") / 1e9);
    }

    /** CPU µs the benchmark's own JVM spent per accepted event in a phase (cores are averaged over the phase's wall time). */
    private static double clientMicrosPerEvent(Map<String, Double> cores, HttpLoad.Result result) {
        return 1e6 * cores.getOrDefault("benchmark client JVM", 0.0) * result.seconds() / Math.max(1, result.eventsAccepted());
    }

    /**
     * The settings the gateway's interaction producer runs with, from the line it logs at start
     * ({@code interaction producer: acks=all enable.idempotence=true batch.size=...}).
     */
    static Map<String, String> gatewayProducerSettings(Path gatewayLog) throws IOException {
        String marker = "interaction producer: ";
        String found = null;
        if (Files.exists(gatewayLog)) {
            for (String line : Files.readAllLines(gatewayLog)) {
                int at = line.indexOf(marker);
                if (at >= 0) {
                    found = line.substring(at + marker.length()).trim();
                }
            }
        }
        if (found == null) {
            throw new IllegalStateException("no '" + marker + "' line in " + gatewayLog + ": cannot run the raw producer "
                    + "with the gateway's producer settings (is the gateway older than this benchmark?)");
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (String pair : found.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                props.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return props;
    }

    /**
     * Every thread of the consumer services' JVMs and of the PostgreSQL backends serving their
     * databases: what a pod of their own would take off the gateway's machine.
     */
    private static List<Long> consumerTasks(List<Long> consumers, Path state) throws IOException {
        List<Long> tasks = new java.util.ArrayList<>();
        for (long pid : consumers) {
            tasks.addAll(threadsOf(pid));
        }
        String postgresDir = state.resolve("devstack").resolve("postgres").toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IOException e) {
                    continue;
                }
                // Backends of this stack's PostgreSQL only (another stack may run on the machine).
                if (cmd.startsWith("postgres: ") && !cmd.contains("touchpoint_gateway") && cmd.contains("touchpoint_")
                        && cmdline(parent(proc)).contains(postgresDir)) {
                    tasks.addAll(threadsOf(Long.parseLong(proc.getFileName().toString())));
                }
            }
        }
        return tasks;
    }

    private static long parent(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Long> threadsOf(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(t -> Long.parseLong(t.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Each task's nice value now (field 19 of its stat; the command name before it is in parentheses). */
    private static Map<Long, Integer> niceOf(List<Long> tasks) {
        Map<Long, Integer> nice = new LinkedHashMap<>();
        for (long task : tasks) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(task), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                nice.put(task, Integer.parseInt(fields[16]));
            } catch (IOException | RuntimeException e) {
                // ended meanwhile
            }
        }
        return nice;
    }

    private static void restoreNice(Map<Long, Integer> nice) throws IOException, InterruptedException {
        Map<Integer, List<Long>> byValue = new java.util.TreeMap<>();
        nice.forEach((task, value) -> byValue.computeIfAbsent(value, v -> new java.util.ArrayList<>()).add(task));
        for (var entry : byValue.entrySet()) {
            renice(entry.getKey(), entry.getValue());
        }
    }

    /** The nice values the stack's processes run at, as the report states them: "channel-gateway 0, profile-service 10, ...". */
    private static String priorities(Map<String, Long> roots, Path state) throws IOException {
        StringBuilder out = new StringBuilder("nice values: ");
        roots.forEach((name, pid) -> out.append(name).append(' ')
                .append(niceOf(List.of(pid)).getOrDefault(pid, 0)).append(", "));
        List<Long> backends = consumerTasks(List.of(), state);
        out.append("PostgreSQL backends ").append(niceOf(backends).values().stream().distinct().sorted().toList());
        return out.toString();
    }

    /** Sets the nice value of each thread (Linux applies it per thread, so a JVM's pid alone would miss its workers). */
    private static void renice(int nice, List<Long> tasks) throws IOException, InterruptedException {
        if (tasks.isEmpty()) {
            return;
        }
        List<String> args = new java.util.ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        tasks.forEach(t -> args.add(t.toString()));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("renice did not finish");
        }
        // A thread that ended meanwhile makes renice exit non-zero; the others were reniced.
    }

    private void diagnostics(HttpLoad.Result batch, Prometheus before, Prometheus after, Map<String, RedisStats.Command> redisBefore,
            Map<String, RedisStats.Command> redisAfter, RawProducer.Result raw, Prometheus trackBefore, Prometheus trackAfter) {
        String batchUri = "uri=\"/v1/batch\"";
        double serverCount = after.delta(before, "http_server_requests_seconds_count", batchUri, "status=\"200\"");
        double serverSum = after.delta(before, "http_server_requests_seconds_sum", batchUri, "status=\"200\"");
        line("| figure | value |");
        line("|---|---|");
        line("| client-measured mean `/v1/batch` latency | %.2f ms |", batch.meanMillis());
        line("| gateway-measured mean `/v1/batch` latency (http_server_requests_seconds, %.0f requests) | %.2f ms |",
                serverCount, 1000 * serverSum / serverCount);
        double trackCount = trackAfter.delta(trackBefore, "http_server_requests_seconds_count", "uri=\"/v1/track\"", "status=\"200\"");
        double trackSum = trackAfter.delta(trackBefore, "http_server_requests_seconds_sum", "uri=\"/v1/track\"", "status=\"200\"");
        line("| gateway-measured mean `/v1/track` latency (%.0f requests) | %.2f ms |", trackCount, 1000 * trackSum / trackCount);
        line("| … of which Redis, client-observed (%.0f calls, %.2f per request) | mean %.2f ms per call |",
                trackAfter.delta(trackBefore, "redis_commands_duration_seconds_count"),
                trackAfter.delta(trackBefore, "redis_commands_duration_seconds_count") / trackCount,
                1000 * trackAfter.delta(trackBefore, "redis_commands_duration_seconds_sum")
                        / trackAfter.delta(trackBefore, "redis_commands_duration_seconds_count"));
        line("| … of which Kafka, at the end of the track load: producer queue time avg (linger) / request latency avg | %.1f ms / %.1f ms |",
                trackAfter.sum("kafka_producer_record_queue_time_avg", "client_id=\"kafka-producer-interactions\""),
                trackAfter.sum("kafka_producer_request_latency_avg", "client_id=\"kafka-producer-interactions\""));
        double redisCount = after.delta(before, "redis_commands_duration_seconds_count");
        double redisSum = after.delta(before, "redis_commands_duration_seconds_sum");
        line("| Redis calls from the gateway, client-observed (redis_commands_duration_seconds) | %.0f calls, mean %.2f ms, %.2f per request |",
                redisCount, 1000 * redisSum / redisCount, redisCount / batch.ok());
        for (String command : List.of("mget", "set", "evalsha", "eval")) {
            RedisStats.Command b = redisBefore.getOrDefault(command, new RedisStats.Command(0, 0));
            RedisStats.Command a = redisAfter.getOrDefault(command, new RedisStats.Command(0, 0));
            long calls = a.calls() - b.calls();
            long usec = a.usec() - b.usec();
            line("| Redis server time in %s (INFO commandstats) | %,d calls, %.1f µs each, %.2f ms per batch request |",
                    command.toUpperCase(Locale.ROOT), calls, calls == 0 ? 0 : (double) usec / calls,
                    usec / 1000.0 / Math.max(1, batch.ok()));
        }
        String producer = "client_id=\"kafka-producer-interactions\"";
        line("| gateway producer (kafka-producer-interactions), at the end of the load: request latency avg / queue time avg | %.1f ms / %.1f ms (raw: %s ms / %s ms) |",
                after.sum("kafka_producer_request_latency_avg", producer), after.sum("kafka_producer_record_queue_time_avg", producer),
                raw.metrics().getOrDefault("request-latency-avg", "?"), raw.metrics().getOrDefault("record-queue-time-avg", "?"));
        line("| … records per produce request / batch size avg | %.1f / %.0f B (raw: %s / %s B) |",
                after.sum("kafka_producer_records_per_request_avg", producer), after.sum("kafka_producer_batch_size_avg", producer),
                raw.metrics().getOrDefault("records-per-request-avg", "?"), raw.metrics().getOrDefault("batch-size-avg", "?"));
        line("| … produce requests sent during the load | %.0f (%.1f records each) |",
                after.delta(before, "kafka_producer_request_total", producer),
                after.delta(before, "kafka_producer_record_send_total", producer)
                        / after.delta(before, "kafka_producer_request_total", producer));
        double cpuSeconds = after.delta(before, "process_cpu_time_ns_total") / 1e9;
        line("| gateway JVM CPU during the load (process_cpu_time_ns_total) | %.1f s over %.1f s = %.2f cores; %.0f µs CPU per event |",
                cpuSeconds, batch.seconds(), cpuSeconds / batch.seconds(), 1e6 * cpuSeconds / Math.max(1, batch.eventsAccepted()));
        double gc = after.delta(before, "jvm_gc_pause_seconds_sum");
        double gcCount = after.delta(before, "jvm_gc_pause_seconds_count");
        line("| gateway GC pauses during the load | %.0f pauses, %.2f s total (%.1f%% of the time) |", gcCount, gc,
                100 * gc / batch.seconds());
        double allocated = after.delta(before, "jvm_gc_memory_allocated_bytes_total");
        line("| gateway allocation during the load | %.0f MB (%.1f KB per event) |", allocated / 1e6,
                allocated / 1024 / Math.max(1, batch.eventsAccepted()));
        double workerCount = after.delta(before, "worker_pool_usage_seconds_count", "vert.x-worker-thread");
        double workerSum = after.delta(before, "worker_pool_usage_seconds_sum", "vert.x-worker-thread");
        line("| gateway worker-pool tasks during the load | %.0f tasks, %.2f s busy |", workerCount, workerSum);
        double sqlCount = after.delta(before, "sql_pool_usage_seconds_count");
        line("| gateway PostgreSQL pool uses during the load (write-key lookups) | %.0f |", sqlCount);
    }

    private void cpuTable(Map<String, Map<String, Double>> phases) {
        List<String> names = List.copyOf(phases.keySet());
        Map<String, Map<String, Double>> byRole = new LinkedHashMap<>();
        for (String phase : names) {
            phases.getOrDefault(phase, Map.of()).forEach((role, cores) -> byRole.computeIfAbsent(role, r -> new LinkedHashMap<>()).put(phase, cores));
        }
        line("| process | %s |", String.join(" | ", names));
        line("|---|%s", "---|".repeat(names.size()));
        byRole.forEach((role, cells) -> {
            if (cells.values().stream().allMatch(v -> v < 0.005)) {
                return;
            }
            StringBuilder row = new StringBuilder("| ").append(role).append(" |");
            for (String phase : names) {
                Double cores = cells.get(phase);
                row.append(cores == null ? " |" : String.format(Locale.ROOT, " %.2f |", cores));
            }
            line("%s", row);
        });
    }

    /** Waits (bounded) until every consumer group has caught up, so the next phase starts on an idle stack. */
    private static Duration settle(KafkaProbe kafka, Duration limit, String when) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        Map<String, Long> lags = Map.of();
        while (System.nanoTime() < deadline) {
            lags = kafka.allGroupLags();
            if (lags.values().stream().allMatch(lag -> lag <= 0)) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                log("settled %s in %.1f s", when, took.toMillis() / 1000.0);
                return took;
            }
            Thread.sleep(500);
        }
        log("NOT settled %s within %s: %s", when, limit, lags);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void awaitReady(String gateway) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(gateway + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(gateway + " is not ready; start the stack with ./touchpoint up --detach");
    }

    /** This module's target directory (where the classes, the classpath file and the results live). */
    static Path moduleTarget() {
        try {
            Path classes = Path.of(IngestionBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent();
        } catch (Exception e) {
            return Path.of("target").toAbsolutePath();
        }
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        if (pids.isEmpty()) {
            return;
        }
        List<String> args = new java.util.ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> args.add(pid.toString()));
        Process process = new ProcessBuilder(args).inheritIO().start();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pids + " failed");
        }
    }

    static void jcmd(Long pid, String... command) throws IOException, InterruptedException {
        if (pid == null) {
            throw new IllegalStateException("no pid file for the service: cannot record it with JFR");
        }
        List<String> args = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                pid.toString()));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
    }

    /** Load goes to this machine only. */
    private static void requireLocal(String url) {
        String host = URI.create(url).getHost();
        if (!(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"))) {
            throw new IllegalArgumentException("refusing to send benchmark traffic to " + url + ": localhost only");
        }
    }

    private static String latencies(HttpLoad.Result r) {
        return String.format(Locale.ROOT, "%.1f / %.1f / **%.1f** / %.1f / %.1f", r.percentileMillis(50), r.percentileMillis(90),
                r.percentileMillis(99), r.percentileMillis(99.9), r.maxMillis());
    }

    private static String machine() {
        String cpu = "?";
        String memory = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .orElse("?");
        } catch (IOException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores (%s), %s RAM, Java %s (%s)", Runtime.getRuntime().availableProcessors(), cpu,
                memory, System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    private void line(String format, Object... args) {
        report.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }
}
