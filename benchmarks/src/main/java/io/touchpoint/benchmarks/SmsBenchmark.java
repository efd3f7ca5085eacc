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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.contracts.EventJson;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.contracts.events.ProfileChanged;

/**
 * SMS throughput through the whole stack next to its raw ceiling, in the same run against the same
 * SMSC (README-delivery.md): first a plain jsmpp client, bound like the gateway (one transceiver
 * session, the same concurrency, a receipt asked for on every message), submits N one-segment
 * messages as fast as the SMSC answers; then N message requests are published to
 * {@code touchpoint.message-requests.v1} for N recipients with SMS consent, and the clock runs until
 * the SMSC has taken N more submits (the policy, the ledger's sending/sent transactions and the
 * receipts all on the way). Not an asserting test: it measures and writes a Markdown report.
 */
public final class SmsBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TEXT = "Jackpot tonight: 2 000 000 EUR in the pot. Bet at toto.example/jackpot Reply STOP to opt out.";

    private final Map<String, String> env;
    private final int smscHttp;

    private SmsBenchmark(Map<String, String> env) {
        this.env = env;
        this.smscHttp = Integer.parseInt(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMSC_HTTP_PORT"));
    }

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings(args);
        Path state = Path.of(settings.string("state", ".touchpoint"));
        int messages = settings.integer("messages", 5_000);
        int concurrency = settings.integer("concurrency", 8);
        Duration limit = settings.seconds("limit-seconds", 900);
        int warmup = settings.integer("warmup", messages);
        int rounds = settings.integer("rounds", 3);
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("sms-" + runId + ".md").toString()));
        settings.rejectUnknown();
        SmsBenchmark bench = new SmsBenchmark(Settings.readEnvFile(state.resolve("credentials.env")));

        StringBuilder report = new StringBuilder("# SMS benchmark " + runId + "\n\n");
        report.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load average at start ")
                .append(String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage()))
                .append(". Options: ").append(settings.used()).append(".\n\n");

        // Warm-up, not measured: a few hundred raw submits, and one pass of the whole stack path, so the
        // rounds compare code the JIT has compiled on both sides (the first pass after a start runs
        // largely interpreted and in C1 code, and its compilations take CPU the stack then lacks).
        bench.raw(300, concurrency);
        if (warmup > 0) {
            Result warm = bench.stack("bench-sms-" + runId + "-warm", warmup, limit);
            log("stack warm-up: %,d submits in %.1f s = %,.0f/s (not measured)", warm.count(), warm.seconds(), warm.rate());
            report.append(String.format(Locale.ROOT, "Warm-up (not measured): %,d stack messages at %,.0f/s.%n%n", warm.count(),
                    warm.rate()));
        }
        report.append("| round | raw: a plain jsmpp client, " + concurrency + " threads on one transceiver session | stack: message "
                + "request on Kafka -> policy -> ledger -> SMPP submit | share of raw |\n|---|---:|---:|---:|\n");
        List<Double> shares = new ArrayList<>();
        StringBuilder notes = new StringBuilder();
        for (int round = 1; round <= rounds; round++) {
            // Each phase starts from an idle stack: the previous phase's delivery events and receipts
            // are consumed everywhere first, so neither side pays for the other's tail.
            bench.settle();
            Result raw = bench.raw(messages, concurrency);
            log("round %d raw: %,d submits in %.1f s = %,.0f/s", round, messages, raw.seconds(), raw.rate());
            Result stack = bench.stack("bench-sms-" + runId + "-" + round, messages, limit);
            log("round %d stack: %,d submits in %.1f s = %,.0f/s", round, stack.count(), stack.seconds(), stack.rate());
            double share = 100 * stack.rate() / raw.rate();
            shares.add(share);
            report.append(String.format(Locale.ROOT, "| %d | %,d in %.1f s: %,.0f/s | %,d in %.1f s: %,.0f/s | %.0f%% |%n", round,
                    raw.count(), raw.seconds(), raw.rate(), stack.count(), stack.seconds(), stack.rate(), share));
            notes.append("Round ").append(round).append(": ").append(raw.note().isEmpty() ? "" : "raw: " + raw.note() + ". ")
                    .append(stack.note());
        }
        List<Double> sorted = shares.stream().sorted().toList();
        report.append(String.format(Locale.ROOT, "%nThe stack reached %.0f%% of the raw rate at the median of %d rounds, %.0f%% at "
                + "the lowest (target: at least 50%%).%n%n", sorted.get(sorted.size() / 2), rounds, sorted.get(0)));
        report.append(notes).append('\n');
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
        log("report written to %s", out);
        System.exit(0);
    }

    record Result(int count, double seconds, String note) {
        double rate() {
            return count / seconds;
        }
    }

    /** Waits until every consumer group has committed everything the stack has produced. */
    private void settle() throws Exception {
        try (KafkaProbe kafka = new KafkaProbe(Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS"))) {
            long start = System.nanoTime();
            boolean settled = Recipients.settle(kafka, Duration.ofSeconds(300));
            log("every consumer group %s after %.1f s", settled ? "had committed everything" : "still had a backlog",
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The ceiling: N submits over one session, {@code threads} at a time, each asking for a receipt. */
    private Result raw(int count, int threads) throws Exception {
        // Bound like the gateway, which turns Nagle's algorithm off on its SMPP socket.
        SMPPSession session = new SMPPSession((host, port) -> {
            java.net.Socket socket = new java.net.Socket(host, port);
            socket.setTcpNoDelay(true);
            return new org.jsmpp.session.connection.socket.SocketConnection(socket);
        });
        // And queues as many inbound PDUs as the gateway does (touchpoint.gateway.sms.inbound-queue): with
        // jsmpp's 100 a slow moment filled it with receipts, and a submit then came back with a throttle.
        session.setQueueCapacity(2000);
        AtomicInteger receipts = new AtomicInteger();
        session.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                receipts.incrementAndGet();
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) {
                return null;
            }
        });
        session.connectAndBind(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMPP_HOST"),
                Integer.parseInt(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMPP_PORT")),
                new BindParameter(BindType.BIND_TRX, Settings.require(env, "TOUCHPOINT_DEVSTACK_SMPP_SYSTEM_ID"),
                        Settings.require(env, "TOUCHPOINT_DEVSTACK_SMPP_PASSWORD"), "", TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN, null));
        byte[] body = TEXT.getBytes(StandardCharsets.US_ASCII);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger throttled = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < count;) {
                    while (true) {
                        try {
                            session.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Touchpoint",
                                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "35849" + (1_000_000 + i),
                                    new ESMClass(), (byte) 0, (byte) 0, null, null,
                                    new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, new RawDataCoding((byte) 0),
                                    (byte) 0, body);
                            break;
                        } catch (NegativeResponseException e) {
                            // The SMSC's session queue (its submits and the client's answers to its receipts)
                            // was full: submitted again a millisecond later, as fast as a client may.
                            if (e.getCommandStatus() != SMPPConstant.STAT_ESME_RTHROTTLED) {
                                throw e;
                            }
                            throttled.incrementAndGet();
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        session.unbindAndClose();
        return new Result(count, seconds, throttled.get() == 0 ? "" : throttled.get() + " submits throttled and sent again");
    }

    /** N recipients with SMS consent, N message requests, timed until the SMSC took N more submits. */
    private Result stack(String prefix, int count, Duration limit) throws Exception {
        String gateway = Settings.require(env, "TOUCHPOINT_CHANNEL_GATEWAY_URL");
        String token = "Bearer " + Settings.require(env, "TOUCHPOINT_MARKETER_TOKEN");
        String template = prefix;
        send("PUT", gateway + "/v1/templates/" + template, token, Map.of("name", "Benchmark SMS", "defaultLocale", "en",
                "locales", Map.of("en", Map.of("sms", Map.of("text", TEXT)))));
        send("POST", gateway + "/v1/templates/" + template + "/publish", token, null);

        String bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        URI source = URI.create("/touchpoint/benchmarks");
        ConsentState consent = new ConsentState("sms", "*", ConsentState.Status.GRANTED, false, Instant.now(), "benchmark");
        try (var producer = new KafkaProducer<>(JourneyTraffic.producerConfig(bootstrap, 5), new StringSerializer(),
                new ByteArraySerializer()); Connection db = gatewayDb()) {
            for (int i = 0; i < count; i++) {
                String profile = prefix + "-" + i;
                var change = new ProfileChanged(profile, 1, Set.of("traits"), Map.of("phone", "+35850" + (1_000_000 + i)), Map.of(),
                        List.of(consent), Map.of(), List.of(), null, Instant.now());
                producer.send(JourneyTraffic.withHeaders(new ProducerRecord<>(Topic.PROFILE_CHANGES.topicName(), profile,
                        EventJson.write(change)), EventTypes.PROFILE_CHANGED, source, Instant.now(), profile));
            }
            producer.flush();
            long deadline = System.nanoTime() + limit.toNanos();
            while (count(db, "SELECT count(*) FROM recipient WHERE profile_id LIKE ?", prefix + "-%") < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the gateway did not project " + count + " recipients in time");
                }
                Thread.sleep(500);
            }
            log("stack: %,d recipients projected", count);
            // The other services' work on the new recipients (segments, journeys, analytics) is done
            // before the clock starts, as it is for the raw client: the figure is the sending's.
            settle();

            long before = submits();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String profile = prefix + "-" + i;
                var request = new MessageRequested(prefix + "-r-" + i, profile, "bench", "sms", "sms", template, "jackpot", false,
                        Map.of(), Instant.now());
                producer.send(JourneyTraffic.withHeaders(new ProducerRecord<>(Topic.MESSAGE_REQUESTS.topicName(), profile,
                        EventJson.write(request)), EventTypes.MESSAGE_REQUESTED, source, Instant.now(), profile));
            }
            producer.flush();
            long taken = 0;
            while ((taken = submits() - before) < count && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long delivered = 0;
            while (System.nanoTime() < deadline
                    && (delivered = count(db, "SELECT count(*) FROM delivery WHERE request_id LIKE ? AND state = 'delivered'",
                            prefix + "-r-%")) < taken) {
                Thread.sleep(250);
            }
            double all = (System.nanoTime() - start) / 1e9;
            String note = String.format(Locale.ROOT, "Every stack message was DELIVERED (its receipt recorded) %.1f s after the "
                    + "first request was published (%,d of %,d delivered by then); %,d submits of the raw phase and warm-up came "
                    + "before.%n", all, delivered, taken, before);
            return new Result((int) taken, seconds, note);
        }
    }

    private Connection gatewayDb() throws Exception {
        String url = "jdbc:postgresql://" + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_HOST") + ":"
                + Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PORT") + "/touchpoint_gateway";
        return DriverManager.getConnection(url, Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_USER"),
                Settings.require(env, "TOUCHPOINT_DEVSTACK_POSTGRES_PASSWORD"));
    }

    private static long count(Connection db, String sql, String like) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, like);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** The SMSC's count of submit_sm taken (its HTTP window; {@code to} matches nothing, so no messages come back). */
    private long submits() throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + smscHttp + "/messages?to=none")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("submits").asLong();
    }

    private static JsonNode send(String method, String url, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", token)
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[sms-benchmark] " + format + "%n", args);
    }
}
