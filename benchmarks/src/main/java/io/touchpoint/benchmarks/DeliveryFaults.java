package io.touchpoint.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;

/**
 * The exactly-once fault test of issue 13 (see README-delivery.md): {@code --recipients} people made
 * through the tracking API, {@code --messages-per-recipient} message requests each published onto
 * {@code touchpoint.message-requests.v1} as journey-service's outbox relay publishes them, and
 * channel-gateway killed with SIGKILL ({@code ./touchpoint restart channel-gateway --kill}) while it
 * sends, once per {@code --kill-at} fraction of the requests sent, each time started again. At the
 * end every recipient's box is read on the provider's side ({@link Inbox}: GreenMail over IMAP for
 * email, the devstack SMSC's HTTP window for SMS) and each request's outcome is taken from the API
 * ({@code GET /v1/deliveries/{id}}) and from the delivery events; the report says how many arrived
 * twice (target 0), how many arrived, how many are unknown, and whether what is missing is exactly
 * what is unknown.
 */
public final class DeliveryFaults {

    /** States in which the ledger says the provider took the message. */
    private static final List<String> TOOK_IT = List.of("sent", "delivered", "bounced");

    private final Settings settings;
    private final StringBuilder report = new StringBuilder();

    private DeliveryFaults(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        new DeliveryFaults(new Settings(args)).run();
    }

    private record Kill(int n, double atSeconds, Map<String, Long> before, long restartMs, String launcherSays) {
    }

    private void run() throws Exception {
        Path state = Path.of(settings.string("state", System.getenv().getOrDefault("TOUCHPOINT_HOME", ".touchpoint"))).toAbsolutePath();
        int recipientCount = settings.integer("recipients", 2000);
        int perRecipient = settings.integer("messages-per-recipient", 5);
        String killAt = settings.string("kill-at", "0.2,0.55");
        DeliveryChannel channel = DeliveryChannel.of(settings.string("channel", "email"));
        boolean transactional = Boolean.parseBoolean(settings.string("transactional", "false"));
        Duration limit = settings.seconds("limit-seconds", 1200);
        String launcher = settings.string("launcher", "../touchpoint");
        int readers = settings.integer("inbox-threads", 4);
        String runId = settings.string("run-id", UUID.randomUUID().toString().substring(0, 8));
        Path out = Path.of(settings.string("out", IngestionBenchmark.moduleTarget().resolve("bench-results")
                .resolve("delivery-faults-" + runId + ".md").toString()));
        settings.rejectUnknown();

        Map<String, String> env = Settings.readEnvFile(state.resolve("credentials.env"));
        StackApi api = new StackApi(env);
        // Made first: a stack whose provider cannot be read back fails now, not after the run.
        Inbox inbox = channel.inbox(env);
        String bootstrap = Settings.require(env, "TOUCHPOINT_DEVSTACK_KAFKA_BOOTSTRAP_SERVERS");
        String journeyId = UUID.nameUUIDFromBytes(("bench-faults-" + runId).getBytes(StandardCharsets.UTF_8)).toString();
        String prefix = "faults-" + runId;
        int total = recipientCount * perRecipient;
        report.append("# Delivery fault test ").append(runId).append("\n\n")
                .append("- machine: ").append(ReportText.machine()).append('\n')
                .append("- stack: `./touchpoint up --detach` under ").append(state).append("; nice values: ")
                .append(ReportText.niceValues(CpuSampler.stackProcesses(state))).append('\n')
                .append("- gateway settings from the environment: ").append(gatewayEnvironment()).append('\n')
                .append("- options: ").append(settings.used()).append("\n\n");
        try (GatewayLedger ledger = new GatewayLedger(env); KafkaProbe kafka = new KafkaProbe(bootstrap)) {
            api.publishTemplate(channel.template(), channel.templateJson());
            long t = System.nanoTime();
            List<Recipients.Recipient> recipients = Recipients.identify(api, ledger, channel, prefix, recipientCount,
                    Duration.ofSeconds(600));
            double identifySeconds = (System.nanoTime() - t) / 1e9;
            boolean settled = Recipients.settle(kafka, Duration.ofSeconds(300));
            report.append(String.format(Locale.ROOT, "## Setup%n%n%,d recipients identified through `POST /v1/batch` (100 identifies a "
                    + "call: `traits.%s` and `context.consent.categoryPreferences.%s = true`), all in the gateway's recipient projection "
                    + "with a consent %.1f s later; every consumer group %s. Template `%s` (%s) published.%n%n", recipientCount,
                    channel.addressTrait, channel.id, identifySeconds, settled ? "had then committed everything" : "still had a backlog after 300 s",
                    channel.template(), channel.templateSays()));

            Map<String, Recipients.Recipient> recipientOf = new HashMap<>();
            List<MessageRequested> requests = new ArrayList<>(total);
            for (int round = 0; round < perRecipient; round++) {
                for (Recipients.Recipient r : recipients) {
                    String requestId = UUID.nameUUIDFromBytes((runId + ":" + round + ":" + r.index()).getBytes(StandardCharsets.UTF_8))
                            .toString();
                    // The request id as a variable: an SMS names its request with it (the email template leaves it out).
                    requests.add(new MessageRequested(requestId, r.profileId(), journeyId, "send-" + round, channel.id,
                            channel.template(), "bench", transactional, Map.of("round", round, "request", requestId), Instant.now()));
                    recipientOf.put(requestId, r);
                }
            }
            List<Kill> kills = new ArrayList<>();
            Map<String, Long> finalStates;
            long sendingStart;
            long doneAt;
            try (DeliveryEventLog events = new DeliveryEventLog(bootstrap, e -> journeyId.equals(e.journeyId()))) {
                sendingStart = System.nanoTime();
                JourneyTraffic.publishRequests(bootstrap, requests);
                double publishSeconds = (System.nanoTime() - sendingStart) / 1e9;
                log("%,d requests published in %.1f s", total, publishSeconds);
                int n = 0;
                for (String fraction : killAt.split(",")) {
                    if (fraction.isBlank()) {
                        continue;
                    }
                    long threshold = (long) (Double.parseDouble(fraction.trim()) * total);
                    kills.add(kill(++n, threshold, ledger, journeyId, launcher, state, limit, sendingStart));
                }
                long deadline = sendingStart + limit.toNanos();
                while (true) {
                    finalStates = ledger.states(journeyId);
                    long open = finalStates.getOrDefault("queued", 0L) + finalStates.getOrDefault("sending", 0L)
                            + finalStates.getOrDefault("deferred", 0L);
                    long rows = finalStates.values().stream().mapToLong(Long::longValue).sum();
                    if ((rows >= total && open == 0) || System.nanoTime() > deadline) {
                        break;
                    }
                    Thread.sleep(250);
                }
                doneAt = System.nanoTime();
                String receipts = channel.receipts() ? awaitReceipts(ledger, journeyId) : "";
                // The last outcomes' events leave through the outbox: wait for them too.
                long eventsDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < eventsDeadline && (ledger.outbox() > 0 || events.last().size() < total
                        || events.last().values().stream().anyMatch(e -> e.status() == DeliveryEvent.Status.DEFERRED))) {
                    Thread.sleep(250);
                }
                report.append(String.format(Locale.ROOT, "## Sending with two crashes%n%n%,d MessageRequested (%d per recipient, "
                        + "round by round; %s, topic `bench`, template `%s`, channel `%s`; keyed by profile id, CloudEvents headers "
                        + "as journey-service's outbox relay writes them) published in %.1f s onto `touchpoint.message-requests.v1`. "
                        + "Every request decided and settled (no row queued, sending or deferred) %.1f s after the first was "
                        + "published; ledger rows by state then: %s.%s%n%n", total, perRecipient,
                        transactional ? "transactional" : "marketing", channel.template(), channel.id, publishSeconds,
                        (doneAt - sendingStart) / 1e9, finalStates, receipts))
                        .append("| kill | at (s after the first request) | ledger just before the SIGKILL | `restart --kill` until ready |\n")
                        .append("|---|---|---|---|\n");
                for (Kill k : kills) {
                    report.append(String.format(Locale.ROOT, "| %d | %s | %s | %.1f s |%n", k.n(), Double.isNaN(k.atSeconds())
                            ? "not reached" : String.format(Locale.ROOT, "%.1f", k.atSeconds()), k.before(), k.restartMs() / 1000.0));
                }
                report.append('\n');
                outcome(api, channel, inbox, requests, recipientOf, recipients, events.last(), readers);
            }
        } finally {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
            log("report written to %s", out);
        }
    }

    /** Waits until {@code threshold} requests are sent and some are in sending, then crashes the gateway and starts it again. */
    private Kill kill(int n, long threshold, GatewayLedger ledger, String journeyId, String launcher, Path state, Duration limit,
            long start) throws Exception {
        long deadline = start + limit.toNanos();
        Map<String, Long> states = Map.of();
        while (System.nanoTime() < deadline) {
            states = ledger.states(journeyId);
            if (taken(states) >= threshold && states.getOrDefault("sending", 0L) > 0) {
                break;
            }
            Thread.sleep(20);
        }
        if (System.nanoTime() >= deadline) {
            return new Kill(n, Double.NaN, states, 0, "threshold not reached");
        }
        long at = System.nanoTime();
        String says = Launcher.restartGateway(launcher, state, true);
        long restartMs = (System.nanoTime() - at) / 1_000_000;
        log("kill %d after %,d sent: %s (%.1f s)", n, taken(states), says.replace('\n', ' '), restartMs / 1000.0);
        return new Kill(n, (at - start) / 1e9, states, restartMs, says);
    }

    /** Rows the provider took: an SMS's receipt turns sent into delivered within milliseconds, so sent alone would lag. */
    private static long taken(Map<String, Long> states) {
        return TOOK_IT.stream().mapToLong(st -> states.getOrDefault(st, 0L)).sum();
    }

    /**
     * Waits until no row is left sent (every receipt recorded), or the count stopped moving for 15 s,
     * at most 120 s: a receipt the SMSC had for a session the SIGKILL closed goes to no one (the
     * devstack's SMSC does not keep it for the next bind), so such rows stay sent. A sentence for
     * the report.
     */
    private static String awaitReceipts(GatewayLedger ledger, String journeyId) throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(120).toNanos();
        long sent = ledger.states(journeyId).getOrDefault("sent", 0L);
        long movedAt = start;
        while (sent > 0 && System.nanoTime() < deadline && System.nanoTime() - movedAt < Duration.ofSeconds(15).toNanos()) {
            Thread.sleep(250);
            long now = ledger.states(journeyId).getOrDefault("sent", 0L);
            if (now != sent) {
                sent = now;
                movedAt = System.nanoTime();
            }
        }
        Map<String, Long> after = ledger.states(journeyId);
        return String.format(Locale.ROOT, " The SMSC's delivery receipts then waited for %.1f s: %,d rows still sent (no receipt "
                + "recorded); ledger rows by state: %s.", (System.nanoTime() - start) / 1e9, after.getOrDefault("sent", 0L), after);
    }

    /** The count on the provider's side against the ledger's answer, request by request. */
    private void outcome(StackApi api, DeliveryChannel channel, Inbox inbox, List<MessageRequested> requests,
            Map<String, Recipients.Recipient> recipientOf, List<Recipients.Recipient> recipients, Map<String, DeliveryEvent> events,
            int readers) throws Exception {
        Map<String, StackApi.DeliveryState> states = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (MessageRequested r : requests) {
                work.add(pool.submit(() -> states.put(r.requestId(), api.delivery(r.requestId()))));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long t = System.nanoTime();
        List<Inbox.Received> received = inbox.read(recipients.stream().map(Recipients.Recipient::address).toList(), false, readers);
        double readSeconds = (System.nanoTime() - t) / 1e9;

        Map<String, String> requestOf = new HashMap<>();
        states.values().forEach(s -> {
            if (s.deliveryId() != null) {
                requestOf.put(s.deliveryId(), s.requestId());
            }
        });
        Map<String, Integer> copies = new HashMap<>();
        Map<String, Integer> bySubject = new HashMap<>();
        int foreign = 0;
        int misdelivered = 0;
        for (Inbox.Received m : received) {
            // An email names its delivery, an SMS its request (Inbox.Received).
            String requestId = m.requestId() != null ? (recipientOf.containsKey(m.requestId()) ? m.requestId() : null)
                    : requestOf.get(m.deliveryId());
            if (requestId == null) {
                foreign++;
                continue;
            }
            copies.merge(requestId, 1, Integer::sum);
            bySubject.merge(m.address() + "\n" + m.subject(), 1, Integer::sum);
            if (!recipientOf.get(requestId).address().equalsIgnoreCase(m.address())) {
                misdelivered++;
            }
        }
        long duplicateRequests = copies.values().stream().filter(c -> c > 1).count();
        long duplicateCopies = copies.values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
        long sameSubjectTwice = bySubject.values().stream().filter(c -> c > 1).count();

        Map<String, Long> byState = new TreeMap<>();
        Map<String, Long> arrivedByState = new TreeMap<>();
        Map<String, Long> missingByState = new TreeMap<>();
        int eventMismatch = 0;
        int noEvent = 0;
        int apiMissing = 0;
        for (MessageRequested r : requests) {
            StackApi.DeliveryState s = states.get(r.requestId());
            String st = s.state() == null ? "no row (HTTP " + s.status() + ")" : s.state();
            if (s.state() == null) {
                apiMissing++;
            }
            byState.merge(st, 1L, Long::sum);
            boolean arrived = copies.containsKey(r.requestId());
            (arrived ? arrivedByState : missingByState).merge(st, 1L, Long::sum);
            DeliveryEvent e = events.get(r.requestId());
            if (e == null) {
                noEvent++;
            } else if (!e.status().name().equalsIgnoreCase(st)) {
                eventMismatch++;
            }
        }
        long delivered = copies.size();
        long missing = requests.size() - delivered;
        long unknown = byState.getOrDefault("unknown", 0L);
        long unknownArrived = arrivedByState.getOrDefault("unknown", 0L);
        long unknownMissing = missingByState.getOrDefault("unknown", 0L);
        long sentMissing = TOOK_IT.stream().mapToLong(st -> missingByState.getOrDefault(st, 0L)).sum();
        long arrivedNotSent = delivered - TOOK_IT.stream().mapToLong(st -> arrivedByState.getOrDefault(st, 0L)).sum() - unknownArrived;
        boolean missingIsUnknown = missing == unknownMissing;

        report.append("## Outcome, counted on the provider's side\n\n").append(String.format(Locale.ROOT,
                "Every one of the %,d boxes read on the provider's side (%s; %.1f s): %,d messages, %,d of them naming a request of this "
                        + "run (%s). Each request's state read with `GET /v1/deliveries/{requestId}` (%,d without a row) and "
                        + "compared with the last delivery event of the request on `touchpoint.delivery-events.v1` (%,d requests "
                        + "without an event, %,d whose last event says otherwise).%n%n",
                recipients.size(), inbox.client(), readSeconds, received.size(), received.size() - foreign,
                channel == DeliveryChannel.EMAIL ? "by the delivery id in the Message-ID" : "by the request id in the text",
                apiMissing, noEvent, eventMismatch))
                .append("| figure | count |\n|---|---|\n")
                .append(String.format(Locale.ROOT, "| requests | %,d |%n", requests.size()))
                .append(String.format(Locale.ROOT, "| **duplicates** (requests that arrived more than once; extra copies) | **%,d** (%,d) |%n",
                        duplicateRequests, duplicateCopies))
                .append(String.format(Locale.ROOT, "| same %s (recipient and round) twice in one box | %,d |%n",
                        channel == DeliveryChannel.EMAIL ? "subject" : "text", sameSubjectTwice))
                .append(String.format(Locale.ROOT, "| **delivered** (arrived once) | **%,d** |%n", delivered - duplicateRequests))
                .append(String.format(Locale.ROOT, "| **missing** (never arrived) | **%,d** |%n", missing))
                .append(String.format(Locale.ROOT, "| **unknown** in the ledger | **%,d**: %,d of them arrived, %,d did not |%n", unknown,
                        unknownArrived, unknownMissing))
                .append(String.format(Locale.ROOT, "| ledger states, all requests | %s |%n", byState))
                .append(String.format(Locale.ROOT, "| ledger states of the missing | %s |%n", missingByState))
                .append(String.format(Locale.ROOT, "| sent (or delivered, bounced) in the ledger but missing: a loss | %,d |%n", sentMissing))
                .append(String.format(Locale.ROOT, "| arrived though the ledger says it did not go out (not sent, delivered, bounced or unknown) | %,d |%n", arrivedNotSent))
                .append(String.format(Locale.ROOT, "| arrived in another recipient's box | %,d |%n", misdelivered))
                .append(String.format(Locale.ROOT, "| messages in the boxes not of this run | %,d |%n", foreign))
                .append(String.format(Locale.ROOT, "| **missing = unknown exactly** | **%s** (missing %,d, unknown %,d) |%n",
                        missing == unknown ? "yes" : "no", missing, unknown))
                .append(String.format(Locale.ROOT, "| every missing request is unknown | %s |%n%n", missingIsUnknown ? "yes" : "no"));
        if (missing != unknown && missingIsUnknown) {
            report.append(String.format(Locale.ROOT, "Every missing message is one the ledger calls unknown, but not every unknown "
                    + "one is missing: %,d went out before the crash took the answer with it (the server had accepted them; the "
                    + "ledger could not know).%n%n", unknownArrived));
        }
        log("duplicates %d, delivered %d, missing %d, unknown %d", duplicateRequests, delivered, missing, unknown);
    }

    /** The gateway's policy settings this run overrides through the environment (the launcher passes it on). */
    private static String gatewayEnvironment() {
        Map<String, String> set = new LinkedHashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("TOUCHPOINT_GATEWAY_") || k.startsWith("QUARKUS_MAILER_")) {
                set.put(k, v);
            }
        });
        return set.isEmpty() ? "none" : set.toString();
    }

    private static void log(String format, Object... args) {
        System.err.printf("[delivery-faults] " + format + "%n", args);
    }
}
