package io.touchpoint.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;
import io.touchpoint.devstack.server.SmtpSink;

/**
 * Email through the stack against a plain SMTP client on the same server (see README-delivery.md).
 * Phases, each figure next to a raw ceiling measured in the same run:
 * <ol>
 * <li>sample: one recipient identified through the tracking API and one request for it; the
 * email it got, read back over IMAP, is what the raw client sends copies of, and its
 * ProfileChanged is what the broadcast's synthetic recipients copy;</li>
 * <li>latency: a journey "event → send email"; {@code --latency-rate} tracked events a second
 * (open loop) for recipients identified beforehand; each from its call's intended start to the
 * gateway's SENT (its clock right after the SMTP server accepted the message), against the raw
 * client's single-message latency at the same rate;</li>
 * <li>raw: {@code --raw-messages} copies of the sample to as many new addresses, {@code --raw-lanes}
 * at a time over a pool of {@code --raw-pool} connections, as the gateway's dispatcher sends;</li>
 * <li>broadcast: {@code --broadcast} recipients (ProfileChanged as profile-service publishes them)
 * and then one MessageRequested each, published as fast as a producer goes, as journey-service's
 * broadcast publishes them (keyed by profile id, the outbox relay's headers); from the first
 * request to the last SENT.</li>
 * </ol>
 * Not an asserting test: it measures and writes a Markdown report.
 */
public final class DeliveryBenchmark {

    /** The template every delivery benchmark sends: a subject and HTML, the text part made by the gateway, as the examples' are. */
    static final String TEMPLATE = "bench-mail";

    static String templateJson() {
        return """
                {"name": "Delivery benchmark", "defaultLocale": "en", "locales": {"en": {"email": {
                  "subject": "News for {{ profile.firstName | default: 'you' }} ({{ vars.round | default: 0 }})",
                  "html": "<h1>Hello {{ profile.firstName | default: 'friend' }}!</h1><p>This week in the shop: new arrivals in every department, a few favourites back in stock, and the season's first offers. Delivery is free on orders over 50 euros until Sunday.</p><p><a href=\\"https://shop.example/new\\">See what is new</a> or <a href=\\"https://shop.example/offers\\">browse the offers</a>.</p><p style=\\"font-size:12px;color:#666\\">You get this email because you signed up at the shop. <a href=\\"{{ unsubscribeUrl }}\\">Unsubscribe</a></p>"
                }}}}""";
    }

    private final Settings settings;
    private final StringBuilder report = new StringBuilder();
    private final List<String> summary = new ArrayList<>();
    private final long nanoBase = System.nanoTime();
    private final long wallBaseMicros = micros(Instant.now());

    private Path out;
    private Map<String, String> env;
    private StackApi api;
    private String bootstrap;
    private GatewayLedger ledger;
    private KafkaProbe kafka;
    private CpuSampler cpu;
    private Map<String, Long> roots;
    private DeliveryChannel channel;
    private Inbox inbox;
    private String runId;
    private boolean jfr;
    private int inboxThreads;
    private RawSmtp.Template mail;
    private ProfileChanged recipientTemplate;
    private URI profileSource = URI.create("/touchpoint/profile-service");
    private String messageIdDomain = "touchpoint.local";
    private double rawPerSecond = Double.NaN;
    private SmtpSink sink;
    private GatewayMailer sinkMailer;
    /** Where the raw and broadcast messages are counted: the stack's server, or the sink. */
    private Inbox bulkInbox;

    private DeliveryBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        new DeliveryBenchmark(new Settings(args)).run();
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
    }

    private long wallMicros(long nanos) {
        return wallBaseMicros + (nanos - nanoBase) / 1000;
    }

    private void run() throws Exception {
        Path state = Path.of(settings.string("state", System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint"))).toAbsolutePath();
        channel = DeliveryChannel.of(settings.string("channel", "email"));
        if (channel != DeliveryChannel.EMAIL) {
            // Its raw ceiling is an SMTP client and its sample an email read over IMAP.
            throw new IllegalArgumentException("--channel=" + channel.id + ": this benchmark measures email; SMS throughput is "
                    + "SmsBenchmark (benchmarks/run-sms.sh)");
        }
        List<String> phases = List.of(settings.string("phases", "latency,raw,broadcast").split(","));
        int broadcast = settings.integer("broadcast", 100_000);
        int rawMessages = settings.integer("raw-messages", broadcast);
        // The gateway's dispatcher hands this many sends to the mailer at once (touchpoint.gateway.delivery.concurrency),
        // whose pool has quarkus.mailer.max-pool-size connections: the raw client runs the same.
        int rawLanes = settings.integer("raw-lanes", 8);
        int rawPool = settings.integer("raw-pool", 10);
        // "sink": the raw client, the latency phase and the broadcast send to an SMTP sink in this JVM (its cost per
        // message does not grow with its recipients, unlike GreenMail's); the sample still uses the stack's server.
        String smtp = settings.string("smtp", "devstack");
        if (!List.of("devstack", "sink").contains(smtp)) {
            throw new IllegalArgumentException("--smtp=" + smtp + ": devstack or sink");
        }
        String launcher = settings.string("launcher", "../touchpoint");
        int latencyRate = settings.integer("latency-rate", 50);
        Duration latencyTime = settings.seconds("latency-seconds", 60);
        Duration latencyWarmup = settings.seconds("latency-warmup-seconds", 10);
        // Rounds one after the other on the same stack, each with recipients of its own: the first ones warm up JVMs
        // that have just started (the gateway restarted on the sink, a stack just up), each is reported.
        int latencyRounds = settings.integer("latency-rounds", 1);
        Duration limit = settings.seconds("limit-seconds", 1800);
        inboxThreads = settings.integer("inbox-threads", 6);
        jfr = Boolean.parseBoolean(settings.string("jfr", "false"));
        runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("delivery-" + runId + ".md").toString()));
        settings.rejectUnknown();

        env = Settings.readEnvFile(state.resolve("credentials.env"));
        api = new StackApi(env);
        bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        roots = CpuSampler.stackProcesses(state);
        cpu = new CpuSampler(roots, state);
        inbox = channel.inbox(env);
        report.append("# Delivery benchmark ").append(runId).append("\n\n")
                .append("- machine: ").append(ReportText.machine()).append('\n')
                .append("- stack: `./touchpoint up --detach` under ").append(state).append("; nice values: ")
                .append(ReportText.niceValues(roots)).append('\n')
                .append("- JVM options from the environment: gateway `").append(System.getenv().getOrDefault("TOUCHPOINT_GATEWAY_JAVA_OPTS",
                        System.getenv().getOrDefault("TOUCHPOINT_JAVA_OPTS", "(launcher default)"))).append("`, devstack `")
                .append(System.getenv().getOrDefault("TOUCHPOINT_DEVSTACK_JAVA_OPTS", "(launcher default)")).append("`\n")
                .append("- options: ").append(settings.used()).append("\n\n");
        try {
            ledger = new GatewayLedger(env);
            kafka = new KafkaProbe(bootstrap);
            api.publishTemplate(TEMPLATE, templateJson());
            sample();
            flush();
            if (smtp.equals("sink")) {
                sink = SmtpSink.start();
                bulkInbox = new SinkInbox(sink);
                long t = System.nanoTime();
                if (phases.contains("broadcast") || phases.contains("latency")) {
                    sinkMailer = new GatewayMailer(state, launcher, "127.0.0.1", sink.port());
                    // The restarted gateway is a new process: CPU and threads are read from it from here on.
                    roots = CpuSampler.stackProcesses(state);
                    cpu = new CpuSampler(roots, state);
                }
                log("SMTP sink on port %d%s", sink.port(), sinkMailer == null ? "" : String.format(Locale.ROOT,
                        "; channel-gateway restarted on it in %.1f s", (System.nanoTime() - t) / 1e9));
                String onSink = String.join(", ", phases.stream().filter(List.of("latency", "raw", "broadcast")::contains).toList());
                report.append("## SMTP server of the phases ").append(onSink).append(": a sink\n\n").append(String.format(Locale.ROOT,
                        "`--smtp=sink`: the raw client%s send to `SmtpSink` (devstack), an SMTP server in the benchmark's JVM that "
                                + "keeps each recipient's Message-IDs, subjects and sizes and nothing else, so its cost per message does "
                                + "not grow with the recipients it has seen (GreenMail's does). Its CPU counts under the benchmark's "
                                + "own process.%n%n",
                        sinkMailer == null ? "" : " and channel-gateway (its configuration pointed at the sink, then restarted)"));
            }
            if (phases.contains("latency")) {
                for (int round = 1; round <= latencyRounds; round++) {
                    latency(latencyRounds == 1 ? runId : runId + "-r" + round, latencyRate, latencyTime, latencyWarmup);
                    flush();
                }
            }
            List<String> broadcastProfiles = null;
            if (phases.contains("broadcast")) {
                broadcastProfiles = broadcastRecipients(broadcast, limit);
                flush();
            }
            if (phases.contains("raw")) {
                raw(rawMessages, rawLanes, rawPool, limit);
                flush();
            }
            if (broadcastProfiles != null) {
                broadcast(broadcastProfiles, limit);
            }
        } finally {
            if (sinkMailer != null) {
                sinkMailer.close();
            }
            if (sink != null) {
                sink.close();
            }
            flush();
            System.out.println(report);
            log("report written to %s", out);
            if (kafka != null) {
                kafka.close();
            }
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    private void flush() throws Exception {
        StringBuilder text = new StringBuilder();
        String body = report.toString();
        int cut = body.indexOf("\n## ") < 0 ? body.length() : body.indexOf("\n## ") + 1;
        text.append(body, 0, cut).append("## Summary\n\n| figure | measured | raw ceiling, same run | target | |\n|---|---|---|---|---|\n");
        summary.forEach(text::append);
        text.append('\n').append(body.substring(cut));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text);
    }

    private void summary(String figure, String measured, String ceiling, String target, Boolean met) {
        summary.add(String.format("| %s | %s | %s | %s | %s |%n", figure, measured, ceiling, target,
                met == null ? "" : met ? "**met**" : "**missed**"));
    }

    // ---------------------------------------------------------------------------------------------- sample

    /** One recipient through the real path and one request for it: the email and the ProfileChanged the other phases copy. */
    private void sample() throws Exception {
        String prefix = "sample-" + runId;
        String address = channel.address(prefix, 0);
        CompletableFuture<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> change = new CompletableFuture<>();
        List<Recipients.Recipient> one;
        try (TopicTap changes = new TopicTap(bootstrap, "sample-changes", List.of(Topic.PROFILE_CHANGES.topicName()))) {
            changes.listen((r, n) -> {
                ProfileChanged c = EventJson.read(r.value(), ProfileChanged.class);
                if (address.equals(c.traits().get(channel.id)) && !c.consents().isEmpty()) {
                    change.complete(r);
                }
            });
            one = Recipients.identify(api, ledger, channel, prefix, 1, Duration.ofSeconds(120));
            var record = change.get(60, TimeUnit.SECONDS);
            recipientTemplate = EventJson.read(record.value(), ProfileChanged.class);
            var source = record.headers().lastHeader("ce_source");
            if (source != null) {
                profileSource = URI.create(new String(source.value(), StandardCharsets.UTF_8));
            }
        }
        String journeyId = UUID.randomUUID().toString();
        MessageRequested request = new MessageRequested(UUID.randomUUID().toString(), one.get(0).profileId(), journeyId, "send", channel.id,
                TEMPLATE, "newsletter", false, Map.of("entry", "sample"), Instant.now());
        CompletableFuture<DeliveryEvent> sent = new CompletableFuture<>();
        try (DeliveryEventLog events = new DeliveryEventLog(bootstrap, e -> journeyId.equals(e.journeyId()))) {
            events.listen((e, n) -> {
                if (e.status() != DeliveryEvent.Status.DEFERRED) {
                    sent.complete(e);
                }
            });
            JourneyTraffic.publishRequests(bootstrap, List.of(request));
            DeliveryEvent outcome = sent.get(120, TimeUnit.SECONDS);
            if (outcome.status() != DeliveryEvent.Status.SENT) {
                throw new IllegalStateException("the sample request ended " + outcome.status() + " " + outcome.reason() + ": " + outcome.detail());
            }
        }
        ImapInbox.Mail got = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got == null && System.nanoTime() < deadline) {
            got = ((ImapInbox) inbox).first(address);
            if (got == null) {
                Thread.sleep(200);
            }
        }
        if (got == null) {
            throw new IllegalStateException("the sample email did not reach " + address);
        }
        String messageId = got.header("Message-ID");
        if (messageId != null && messageId.contains("@")) {
            messageIdDomain = messageId.substring(messageId.indexOf('@') + 1, messageId.lastIndexOf('>'));
        }
        mail = new RawSmtp.Template(got.from(), got.subject(), got.text(), got.html(), got.header("List-Unsubscribe"),
                got.header("List-Unsubscribe-Post"));
        report.append("## Sample: one recipient and one email through the stack\n\n").append(String.format(Locale.ROOT,
                "Recipient identified through the tracking API (identify with `traits.%s` and the channel's consent); its "
                        + "ProfileChanged (%s) is what the broadcast's synthetic recipients copy. One MessageRequested for it → SENT; "
                        + "the email as GreenMail holds it (IMAP `RFC822.SIZE`): **%,d bytes**; subject `%s`; text part %,d chars "
                        + "(made by the gateway from the HTML), HTML %,d chars; headers: %s. The raw client sends copies of it: "
                        + "same From, subject, text and HTML, a Message-ID of the same form and a List-Unsubscribe of the same "
                        + "length.%n%n", channel.id, profileSource, got.size(), got.subject(), got.text() == null ? 0 : got.text().length(),
                got.html() == null ? 0 : got.html().length(), String.join(", ", got.headers().keySet())));
    }

    // ---------------------------------------------------------------------------------------------- latency

    /** Tracked event → email accepted by the SMTP server, through the whole stack, open loop. */
    private void latency(String round, int rate, Duration time, Duration warmup) throws Exception {
        String event = "Bench Mail " + round;
        String journeyId = api.publishJourney("""
                {"name": "bench mail %s", "trigger": {"event": "%s"},
                 "nodes": [{"id": "send", "type": "send", "template": "%s", "channel": "%s", "topic": "onboarding", "next": "done"},
                           {"id": "done", "type": "exit"}]}""".formatted(round, event, TEMPLATE, channel.id));
        int warmupCount = (int) (rate * warmup.toSeconds());
        int count = warmupCount + (int) (rate * time.toSeconds());
        String prefix = "lat-" + round;
        long t = System.nanoTime();
        List<Recipients.Recipient> recipients = Recipients.identify(api, ledger, channel, prefix, count, Duration.ofSeconds(900));
        boolean settled = Recipients.settle(kafka, Duration.ofSeconds(600));
        log("latency: %,d recipients ready in %.0f s (settled: %s)", count, (System.nanoTime() - t) / 1e9, settled);

        // The ceiling: the raw client, one message at a time as they come, at the same rate.
        int rawCount = (int) (rate * time.toSeconds());
        RawSmtp.Result raw;
        try (RawSmtp smtp = rawClient(10)) {
            raw = smtp.atRate(rawCount, rate, i -> mail.copy(channel.address("rawlat-" + round, i), UUID.randomUUID().toString(),
                    messageIdDomain), time.toSeconds() + 120);
        }
        bulk().read(addresses("rawlat-" + round, rawCount), true, inboxThreads);

        Map<String, Integer> indexOf = new HashMap<>();
        recipients.forEach(r -> indexOf.put(r.profileId(), r.index()));
        String messagePrefix = prefix + "-event-";
        long[] due = new long[count];
        long[] changeSeen = new long[count];
        long[] requestSeen = new long[count];
        long[] sentAt = new long[count];
        long[] sentSeen = new long[count];
        AtomicInteger outcomes = new AtomicInteger();
        Map<String, Integer> notSent = new java.util.concurrent.ConcurrentHashMap<>();
        List<byte[]> calls = new ArrayList<>(count);
        URI gateway = URI.create(api.gatewayUrl());
        for (int i = 0; i < count; i++) {
            String body = """
                    {"type":"track","userId":"%s-%d","event":"%s","messageId":"%s%d","properties":{"plan":"free"}}"""
                    .formatted(prefix, i, event, messagePrefix, i);
            calls.add(KeepAliveHttpConnection.post(gateway, "/v1/track", api.trackingAuthorization(), "application/json",
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        AtomicInteger failures = new AtomicInteger();
        CpuSampler.Snapshot before;
        CpuSampler.Snapshot after;
        long firstMeasured;
        long lastCall;
        // Published moments (the records' timestamps), read in batches: taps that fetched each record as it came
        // took a tenth of a core of the two the stack under test runs on (async-profiler, run s33lat2).
        try (TopicTap changes = new TopicTap(bootstrap, "latency-changes", List.of(Topic.PROFILE_CHANGES.topicName()),
                TopicTap.Moment.PUBLISHED);
                TopicTap requests = new TopicTap(bootstrap, "latency-requests", List.of(Topic.MESSAGE_REQUESTS.topicName()),
                        TopicTap.Moment.PUBLISHED);
                DeliveryEventLog events = new DeliveryEventLog(bootstrap, e -> journeyId.equals(e.journeyId()),
                        TopicTap.Moment.PUBLISHED)) {
            changes.listen((r, seen) -> {
                ProfileChanged c = EventJson.read(r.value(), ProfileChanged.class);
                if (c.trigger() != null && c.trigger().messageId() != null && c.trigger().messageId().startsWith(messagePrefix)) {
                    int i = Integer.parseInt(c.trigger().messageId().substring(messagePrefix.length()));
                    if (changeSeen[i] == 0) {
                        changeSeen[i] = seen;
                    }
                }
            });
            requests.listen((r, seen) -> {
                MessageRequested m = EventJson.read(r.value(), MessageRequested.class);
                Integer i = journeyId.equals(m.journeyId()) ? indexOf.get(m.profileId()) : null;
                if (i != null && requestSeen[i] == 0) {
                    requestSeen[i] = seen;
                }
            });
            events.listen((e, seen) -> {
                Integer i = indexOf.get(e.profileId());
                if (i == null) {
                    return;
                }
                if (e.status() == DeliveryEvent.Status.SENT) {
                    if (sentAt[i] == 0) {
                        sentAt[i] = micros(e.at());
                        sentSeen[i] = seen;
                        outcomes.incrementAndGet();
                    }
                } else if (e.status() != DeliveryEvent.Status.DEFERRED || !notSent.containsKey(e.requestId())) {
                    notSent.merge(e.status() + " " + e.reason(), 1, Integer::sum);
                    if (e.status() != DeliveryEvent.Status.DEFERRED) {
                        outcomes.incrementAndGet();
                    }
                }
            });
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime() + 100_000_000L;
            for (int i = 0; i < count; i++) {
                due[i] = start + i * interval;
            }
            firstMeasured = due[Math.min(warmupCount, count - 1)];
            AtomicInteger next = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            before = null;
            for (int c = 0; c < 8; c++) {
                Thread thread = new Thread(() -> {
                    try (KeepAliveHttpConnection connection = new KeepAliveHttpConnection(gateway)) {
                        int i;
                        while ((i = next.getAndIncrement()) < count) {
                            long wait;
                            while ((wait = due[i] - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            try {
                                if (connection.exchange(calls.get(i)) / 100 != 2) {
                                    failures.incrementAndGet();
                                }
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                    }
                }, "latency-client-" + c);
                thread.setDaemon(true);
                clients.add(thread);
                thread.start();
            }
            while (System.nanoTime() < firstMeasured) {
                Thread.sleep(1);
            }
            before = cpu.snapshot();
            for (Thread thread : clients) {
                thread.join();
            }
            lastCall = System.nanoTime();
            after = cpu.snapshot();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (outcomes.get() < count - failures.get() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        Histogram toChange = new Histogram(3_600_000_000L, 3);
        Histogram toRequest = new Histogram(3_600_000_000L, 3);
        Histogram toSent = new Histogram(3_600_000_000L, 3);
        Histogram toSentSeen = new Histogram(3_600_000_000L, 3);
        Histogram warm = new Histogram(3_600_000_000L, 3);
        for (int i = 0; i < count; i++) {
            long dueMicros = wallMicros(due[i]);
            if (i < warmupCount) {
                if (sentAt[i] != 0) {
                    warm.recordValue(Math.max(1, sentAt[i] - dueMicros));
                }
                continue;
            }
            if (changeSeen[i] != 0) {
                toChange.recordValue(Math.max(1, (changeSeen[i] - due[i]) / 1000));
            }
            if (requestSeen[i] != 0) {
                toRequest.recordValue(Math.max(1, (requestSeen[i] - due[i]) / 1000));
            }
            if (sentAt[i] != 0) {
                toSent.recordValue(Math.max(1, sentAt[i] - dueMicros));
                toSentSeen.recordValue(Math.max(1, (sentSeen[i] - due[i]) / 1000));
            }
        }
        List<Inbox.Received> got = bulk().read(recipients.stream().map(Recipients.Recipient::address).toList(), true, inboxThreads);
        Map<String, Integer> copies = new HashMap<>();
        got.forEach(m -> copies.merge(m.deliveryId(), 1, Integer::sum));
        long twice = copies.values().stream().filter(c -> c > 1).count();
        int measured = count - warmupCount;
        Map<String, Double> cores = CpuSampler.coresUsed(before, after);
        report.append("## Tracked event → email accepted by the SMTP server").append(round.equals(runId) ? "" : ", " + round)
                .append(sink == null ? "" : " (the sink)").append("\n\n").append(String.format(Locale.ROOT,
                "A journey `{\"trigger\": {\"event\": \"%s\"}}` → send (`%s`, channel %s, topic `onboarding`, marketing) → exit. "
                        + "%,d recipients identified through the tracking API first (consent for %s; %s). Then `POST /v1/track` "
                        + "(8 keep-alive connections, open loop) at **%d/s** for %d s after %d s not counted, one event per "
                        + "recipient: gateway → `touchpoint.interactions.v1` → profile-service → ProfileChanged → journey-service "
                        + "→ MessageRequested → gateway (policy, ledger, dispatcher) → SMTP. **Measured: from each call's intended "
                        + "start to the `at` of its SENT delivery event**, the gateway's clock read right after the SMTP server "
                        + "answered `250` to the message's data (the same machine's clock as the benchmark's). The other rows "
                        + "show where the time goes (when each record was published: its Kafka timestamp, which the producer "
                        + "sets as the service's outbox relay sends it). %d calls failed; "
                        + "outcomes other than SENT: %s. Afterwards %,d emails of the %,d recipients were in their boxes "
                        + "(%s), %d of them twice.%n%n", event, TEMPLATE, channel.id, count, channel.id,
                        "every consumer group had committed everything before the calls", rate, time.toSeconds(), warmup.toSeconds(),
                        failures.get(), notSent.isEmpty() ? "none" : notSent.toString(), got.size(), count,
                        sink == null ? "IMAP" : "the sink's record, by Message-ID", twice))
                .append("| from the call's intended start to | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n")
                .append("|---|---|---|---|---|---|---|\n")
                .append(ReportText.row("ProfileChanged published (its record's timestamp: profile-service's outbox relay)", toChange))
                .append(ReportText.row("MessageRequested published (journey-service's outbox relay)", toRequest))
                .append(ReportText.row("**SENT: the SMTP server accepted the message** (event's `at`)", toSent))
                .append(ReportText.row("SENT event published (the gateway's outbox relay)", toSentSeen))
                .append(ReportText.row("warm-up calls (not counted), to SENT", warm))
                .append(ReportText.row(String.format(Locale.ROOT, "ceiling: raw SMTP client, one message at a time at %d/s (intended "
                        + "start → 250), %d failed", rate, raw.failed()), raw.latencyMicros()))
                .append('\n')
                .append("CPU during the measured calls (cores): ").append(ReportText.cores(cores)).append(".\n\n");
        double p50 = toSent.getValueAtPercentile(50) / 1000.0;
        double p99 = toSent.getValueAtPercentile(99) / 1000.0;
        boolean all = toSent.getTotalCount() == measured;
        summary(String.format(Locale.ROOT, "tracked event → email accepted by the SMTP server (SENT), p50 / p99 at %d events/s", rate),
                String.format(Locale.ROOT, "%.1f / %.1f ms (%,d of %,d sent)", p50, p99, toSent.getTotalCount(), measured),
                String.format(Locale.ROOT, "raw SMTP send at %d/s: %.1f / %.1f ms", rate, raw.latencyMicros().getValueAtPercentile(50) / 1000.0,
                        raw.latencyMicros().getValueAtPercentile(99) / 1000.0),
                "p50 < 200 ms, p99 < 1 s", all && p50 < 200 && p99 < 1000);
    }

    // ---------------------------------------------------------------------------------------------- raw ceiling

    private void raw(int count, int lanes, int pool, Duration limit) throws Exception {
        String prefix = "raw-" + runId;
        Map<String, Double> threadsBefore = CpuSampler.threads(ProcessHandle.current().pid());
        CpuSampler.Snapshot before = cpu.snapshot();
        RawSmtp.Result r;
        try (RawSmtp smtp = rawClient(pool)) {
            r = smtp.send(count, lanes, i -> mail.copy(channel.address(prefix, i), UUID.randomUUID().toString(), messageIdDomain),
                    limit.toSeconds());
        }
        CpuSampler.Snapshot after = cpu.snapshot();
        rawPerSecond = r.perSecond();
        long t = System.nanoTime();
        List<Inbox.Received> got = bulk().read(addresses(prefix, count), true, inboxThreads);
        double readSeconds = (System.nanoTime() - t) / 1e9;
        double meanSize = got.stream().mapToLong(Inbox.Received::size).average().orElse(Double.NaN);
        report.append("## Raw ceiling: a plain SMTP client, same messages, same server\n\n").append(String.format(Locale.ROOT,
                "%,d copies of the sample email (mean size on the server %.0f bytes) to %,d new addresses, %s. Accepted **%,d** "
                        + "(%d failed%s) in %.1f s: **%,.0f emails/s**; per message p50 %.1f ms, p99 %.1f ms. Then every box read "
                        + "and emptied (%s, %.1f s): %,d messages found.%n%n", count, meanSize, count,
                RawSmtp.settings(pool, lanes), r.accepted(), r.failed(), r.firstFailure() == null ? "" : ", first: " + r.firstFailure(),
                r.elapsedNanos() / 1e9, rawPerSecond, r.latencyMicros().getValueAtPercentile(50) / 1000.0,
                r.latencyMicros().getValueAtPercentile(99) / 1000.0, bulk().client(), readSeconds, got.size()))
                .append("CPU during the raw sends (cores): ").append(ReportText.cores(CpuSampler.coresUsed(before, after)))
                .append(".\n\n");
    }

    // ---------------------------------------------------------------------------------------------- broadcast

    /** The broadcast's recipients, as profile-service publishes them, consumed by every service before anything is sent. */
    private List<String> broadcastRecipients(int count, Duration limit) throws Exception {
        String prefix = "bc-" + runId;
        List<String> profiles = new ArrayList<>(count);
        long t = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(JourneyTraffic.producerConfig(bootstrap, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                // The separator keeps run "x1" recipient 0 apart from run "x" recipient 10.
                String profileId = UUID.nameUUIDFromBytes((prefix + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
                profiles.add(profileId);
                producer.send(JourneyTraffic.recipientChanged(recipientTemplate, profileId,
                        Map.of(channel.id, channel.address(prefix, i), "firstName", "Bench" + i), profileSource));
            }
            producer.flush();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        long known = 0;
        while (System.nanoTime() < deadline && (known = ledger.recipientCount(channel.addressColumn(), prefix + "-")) < count) {
            Thread.sleep(1000);
        }
        double projected = (System.nanoTime() - t) / 1e9;
        boolean settled = Recipients.settle(kafka, limit);
        double all = (System.nanoTime() - t) / 1e9;
        log("broadcast: %,d recipients in the gateway's projection after %.0f s, all consumers idle after %.0f s (%s)", known, projected, all,
                settled);
        report.append("## Broadcast recipients\n\n").append(String.format(Locale.ROOT, "%,d ProfileChanged published onto "
                + "`touchpoint.profile-changes.v1` as profile-service publishes a recipient's identify: the sample's record "
                + "(its consent included) with the profile id, `traits.%s` and `traits.firstName` replaced, no trigger, keyed by "
                + "profile id, the outbox relay's CloudEvents headers. The gateway's projection held %,d of them %.0f s later; every "
                + "consumer group (segmentation and journey services consume them too) %s after %.0f s. Nothing is sent until then."
                + "%n%n", count, channel.id, known, projected, settled ? "had committed everything" : "STILL HAD A BACKLOG", all));
        return profiles;
    }

    private void broadcast(List<String> profiles, Duration limit) throws Exception {
        String prefix = "bc-" + runId;
        int count = profiles.size();
        String journeyId = UUID.randomUUID().toString();
        List<MessageRequested> requests = new ArrayList<>(count);
        Instant requestedAt = Instant.now();
        for (String profileId : profiles) {
            requests.add(new MessageRequested(UUID.randomUUID().toString(), profileId, journeyId, "send", channel.id, TEMPLATE,
                    "newsletter", false, Map.of("entry", "broadcast"), requestedAt));
        }
        AtomicLong lastSentMicros = new AtomicLong();
        AtomicInteger sent = new AtomicInteger();
        List<String> timeline = new ArrayList<>();
        Path recording = out.toAbsolutePath().getParent().resolve("gateway-broadcast-" + runId + ".jfr");
        Map<String, Long> states;
        CpuSampler.Snapshot before;
        CpuSampler.Snapshot after;
        Map<String, Double> threadsBefore;
        Map<String, Double> threadsAfter;
        long start;
        long end;
        double publishSeconds;
        Map<Integer, Long> sentAtSecond = new HashMap<>();
        try (DeliveryEventLog events = new DeliveryEventLog(bootstrap, e -> journeyId.equals(e.journeyId()))) {
            events.listen((e, seen) -> {
                if (e.status() == DeliveryEvent.Status.SENT) {
                    sent.incrementAndGet();
                    lastSentMicros.accumulateAndGet(micros(e.at()), Math::max);
                }
            });
            if (jfr) {
                IngestionBenchmark.jcmd(roots.get("channel-gateway"), "JFR.start", "name=bench", "settings=profile", "filename=" + recording);
            }
            threadsBefore = CpuSampler.threads(roots.get("channel-gateway"));
            before = cpu.snapshot();
            start = System.nanoTime();
            JourneyTraffic.publishRequests(bootstrap, requests);
            publishSeconds = (System.nanoTime() - start) / 1e9;
            log("broadcast: %,d requests published in %.1f s", count, publishSeconds);
            long deadline = start + limit.toNanos();
            long nextTick = start;
            int second = 0;
            while (true) {
                states = ledger.states(journeyId);
                long done = states.entrySet().stream().filter(e -> !List.of("queued", "sending", "deferred").contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue).sum();
                if (System.nanoTime() >= nextTick) {
                    sentAtSecond.put(second, states.getOrDefault("sent", 0L));
                    if (second % 10 == 0) {
                        long rows = states.values().stream().mapToLong(Long::longValue).sum();
                        timeline.add(String.format(Locale.ROOT, "| %d | %,d | %,d | %s |", second, rows, states.getOrDefault("sent", 0L),
                                states));
                    }
                    second++;
                    nextTick = start + second * 1_000_000_000L;
                }
                if (done >= count || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(100);
            }
            end = System.nanoTime();
            after = cpu.snapshot();
            threadsAfter = CpuSampler.threads(roots.get("channel-gateway"));
            if (jfr) {
                IngestionBenchmark.jcmd(roots.get("channel-gateway"), "JFR.stop", "name=bench");
            }
            long eventsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (sent.get() < states.getOrDefault("sent", 0L) && System.nanoTime() < eventsDeadline) {
                Thread.sleep(200);
            }
        }
        Instant lastSent = ledger.lastSent(journeyId);
        long sentCount = states.getOrDefault("sent", 0L);
        double seconds = lastSent == null ? Double.NaN : (micros(lastSent) - wallMicros(start)) / 1e6;
        double perSecond = sentCount / seconds;
        // Steady rate: between a tenth and nine tenths of the sends, from the 1 s timeline.
        double steady = steadyRate(sentAtSecond, count);
        long t = System.nanoTime();
        List<Inbox.Received> got = bulk().read(addresses(prefix, count), true, inboxThreads);
        double readSeconds = (System.nanoTime() - t) / 1e9;
        Map<String, Integer> copies = new HashMap<>();
        got.forEach(m -> copies.merge(m.deliveryId(), 1, Integer::sum));
        long twice = copies.values().stream().filter(c -> c > 1).count();
        double meanSize = got.stream().mapToLong(Inbox.Received::size).average().orElse(Double.NaN);
        double window = (end - start) / 1e9;
        Map<String, Double> cores = CpuSampler.coresUsed(before, after);
        Map<String, Double> threads = CpuSampler.threadCores(threadsBefore, threadsAfter, window);
        double gatewayCpu = cores.getOrDefault("channel-gateway", 0.0) + cores.getOrDefault("postgres touchpoint_gateway", 0.0);
        report.append("## Broadcast through the stack\n\n").append(String.format(Locale.ROOT,
                "%,d MessageRequested (one per recipient; marketing, topic `newsletter`, template `%s`, channel %s, the same journey "
                        + "and step) published onto `touchpoint.message-requests.v1` as journey-service's outbox relay publishes a "
                        + "broadcast's requests (keyed by profile id, its headers, acks=all, idempotent), as fast as the producer "
                        + "goes: %.1f s for all of them, so the gateway alone sets the pace. **From the first request to the last "
                        + "SENT** (the ledger's latest `sent_at`, the gateway's clock after the SMTP server's `250`): **%.1f s for "
                        + "%,d sent, %,.0f emails/s**; steady rate between a tenth and nine tenths of the sends %,.0f/s. Ledger at the "
                        + "end: %s. On the server afterwards (%s, %.1f s, then emptied): %,d messages (mean %.0f bytes), %,d "
                        + "delivery ids twice.%n%n", count, TEMPLATE, channel.id, publishSeconds, seconds, sentCount, perSecond, steady,
                states, bulk().client(), readSeconds, got.size(), meanSize, twice))
                .append("| s after the first request | ledger rows (decided) | sent | by state |\n|---|---|---|---|\n");
        timeline.forEach(line -> report.append(line).append('\n'));
        report.append('\n').append("CPU during the broadcast (cores): ").append(ReportText.cores(cores)).append(".\n\n")
                .append(String.format(Locale.ROOT, "channel-gateway + its PostgreSQL backends: %.0f µs of CPU per email sent.%n%n",
                        1e6 * gatewayCpu * window / Math.max(1, sentCount)))
                .append("channel-gateway's threads (cores): ").append(ReportText.threads(threads)).append(".\n\n");
        if (jfr) {
            report.append(jfrText(recording)).append('\n');
        }
        summary(String.format(Locale.ROOT, "%,d-email broadcast through the stack, first request → last SENT", count),
                String.format(Locale.ROOT, "%.1f s, **%,.0f emails/s** (%.0f%% of raw; steady %,.0f/s)", seconds, perSecond,
                        100 * perSecond / rawPerSecond, steady),
                String.format(Locale.ROOT, "raw SMTP client, same messages, same connections: %,.0f emails/s", rawPerSecond),
                "≥ 50% of raw", sentCount == count ? perSecond >= rawPerSecond / 2 : Boolean.FALSE);
    }

    private static double steadyRate(Map<Integer, Long> sentAtSecond, int count) {
        Integer from = null;
        Integer to = null;
        for (int s = 0; sentAtSecond.containsKey(s); s++) {
            long n = sentAtSecond.get(s);
            if (from == null && n >= count / 10) {
                from = s;
            }
            if (to == null && n >= count * 9L / 10) {
                to = s;
            }
        }
        if (from == null || to == null || to <= from) {
            return Double.NaN;
        }
        return (sentAtSecond.get(to) - sentAtSecond.get(from)) / (double) (to - from);
    }

    private static String jfrText(Path recording) {
        try {
            Map<String, Double> profile = JfrBreakdown.analyse(recording, JfrBreakdown.DELIVERY);
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "channel-gateway CPU samples during the broadcast (JFR, "
                    + "%.0f samples, each to the known activity nearest the leaf; the recording skews the figures):",
                    profile.get("samples")));
            profile.forEach((activity, share) -> {
                if (!activity.equals("samples") && share >= 0.01) {
                    text.append(String.format(Locale.ROOT, " %.0f%% %s;", 100 * share, activity));
                }
            });
            text.setLength(text.length() - 1);
            return text.append(".\n").toString();
        } catch (Exception e) {
            return "The JFR recording could not be read (" + e + ").\n";
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private Inbox bulk() {
        return bulkInbox == null ? inbox : bulkInbox;
    }

    private RawSmtp rawClient(int pool) {
        if (sink != null) {
            return new RawSmtp("127.0.0.1", sink.port(), pool);
        }
        return new RawSmtp(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMTP_HOST"),
                Integer.parseInt(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMTP_PORT")), pool);
    }

    private List<String> addresses(String prefix, int count) {
        List<String> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(channel.address(prefix, i));
        }
        return all;
    }

    private static void log(String format, Object... args) {
        System.err.printf("[delivery-benchmark] " + format + "%n", args);
    }
}
