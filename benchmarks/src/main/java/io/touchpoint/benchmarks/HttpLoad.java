package io.touchpoint.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * HTTP loads against the gateway, closed loop ({@link #run}) or open loop ({@link #runAtRate}).
 * Each client thread owns one {@link KeepAliveHttpConnection} and writes requests whose bytes were
 * built before the phase started, so the client spends its CPU on little more than the socket
 * calls: with {@code java.net.http.HttpClient} the benchmark JVM took 0.48 cores while the gateway
 * alone took 1.1 (run s7), i.e. the load generator ate a third of what it was measuring. A 2xx
 * status means every message was accepted (the gateway answers 400 with counts otherwise).
 * Latency is in microseconds.
 */
final class HttpLoad {

    record Result(String name, int concurrency, int requests, int ok, long eventsAccepted, long elapsedNanos,
            Histogram latencyMicros, Map<String, Integer> failures, String firstFailure, boolean timedOut,
            long[] lateness) {

        /**
         * Open loop only: per 500 ms of intended start, the worst latency (ms) and how many requests took
         * over 50 ms, for the windows that had any; shows whether a tail is a few stalls or spread out.
         */
        String slowWindows(int most) {
            if (lateness == null) {
                return "";
            }
            Map<Long, long[]> windows = new TreeMap<>();
            for (int i = 0; i + 1 < lateness.length; i += 2) {
                if (lateness[i + 1] < 0) {
                    continue;
                }
                long[] w = windows.computeIfAbsent(lateness[i] / 500_000_000L, k -> new long[2]);
                w[0] = Math.max(w[0], lateness[i + 1]);
                if (lateness[i + 1] > 50_000) {
                    w[1]++;
                }
            }
            StringBuilder out = new StringBuilder();
            windows.entrySet().stream().filter(e -> e.getValue()[1] > 0)
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(most)
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.append(String.format(java.util.Locale.ROOT, "%s%.1f s: max %.0f ms, %d over 50 ms",
                            out.length() == 0 ? "" : "; ", e.getKey() * 0.5, e.getValue()[0] / 1000.0, e.getValue()[1])));
            return out.length() == 0 ? "none over 50 ms" : out.toString();
        }

        double requestsPerSecond() {
            return ok / seconds();
        }

        double eventsPerSecond() {
            return eventsAccepted / seconds();
        }

        double seconds() {
            return elapsedNanos / 1e9;
        }

        double percentileMillis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return latencyMicros.getMaxValue() / 1000.0;
        }

        double meanMillis() {
            return latencyMicros.getMean() / 1000.0;
        }
    }

    private final URI base;
    private final String authorization;

    HttpLoad(String gateway, String writeKey) {
        this.base = URI.create(gateway);
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The complete requests (headers and body) for {@code bodies}, to build before a phase (and its
     * CPU reading) so its loop only writes bytes. Empties {@code bodies} as it goes: the long phases
     * hold hundreds of MB of them.
     */
    List<byte[]> prepare(String path, List<byte[]> bodies) {
        List<byte[]> requests = new ArrayList<>(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            requests.add(KeepAliveHttpConnection.post(base, path, authorization, "application/json", bodies.get(i)));
            bodies.set(i, null);
        }
        return requests;
    }

    /**
     * A closed-loop load: {@code concurrency} clients, each sending the next prepared body as soon as
     * its previous request was answered, until every body was sent or the time limit passed. Latency
     * is per request, from just before the write to the full answer.
     */
    Result run(String name, List<byte[]> requests, int eventsPerBody, int concurrency, Duration limit)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger attempted = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Histogram> histograms = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        long[] startedAt = new long[1];
        for (int c = 0; c < concurrency; c++) {
            // Up to a minute, three significant digits.
            Histogram histogram = new Histogram(60_000_000L, 3);
            histograms.add(histogram);
            Thread thread = new Thread(() -> {
                try (KeepAliveHttpConnection connection = new KeepAliveHttpConnection(base)) {
                    start.await();
                    long deadline = startedAt[0] + limit.toNanos();
                    int index;
                    while (System.nanoTime() < deadline && (index = next.getAndIncrement()) < requests.size()) {
                        attempted.incrementAndGet();
                        long sent = System.nanoTime();
                        String failure = exchange(connection, requests.get(index));
                        long answered = System.nanoTime();
                        lastAnswer.accumulateAndGet(answered, Math::max);
                        if (failure == null) {
                            histogram.recordValue(Math.max(1, (answered - sent) / 1000));
                            ok.incrementAndGet();
                        } else {
                            record(failures, firstFailure, failure, connection);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name + "-client-" + c);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
        startedAt[0] = System.nanoTime();
        start.countDown();
        for (Thread thread : clients) {
            thread.join(limit.toMillis() + 60_000);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        int sent = attempted.get();
        boolean timedOut = sent < requests.size() || clients.stream().anyMatch(Thread::isAlive);
        long elapsed = Math.max(1, lastAnswer.get() - startedAt[0]);
        return new Result(name, concurrency, sent, ok.get(), (long) ok.get() * eventsPerBody, elapsed, all,
                new TreeMap<>(failures), firstFailure.get(), timedOut, null);
    }

    /**
     * An open-loop load: request i is due at {@code i / requestsPerSecond} seconds whatever the
     * earlier answers did, and its latency counts from that intended start, so a stall is charged to
     * every request it delayed (no coordinated omission). {@code connections} client threads take the
     * requests in order, each waiting for its request's due time; when all of them are waiting for
     * answers, the next request starts late and that lateness is in its latency. This is the latency
     * a steady stream of SDK flushes sees at a given rate, as opposed to the saturated closed loop.
     * Requests not due before the time limit, or not started by twice the limit (plus 10 s) because
     * the server fell that far behind, are not sent ({@link Result#timedOut()}).
     */
    Result runAtRate(String name, List<byte[]> requests, int eventsPerBody, double requestsPerSecond, int connections,
            Duration limit) throws InterruptedException {
        List<Histogram> histograms = new ArrayList<>();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger attempted = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        double intervalNanos = 1e9 / requestsPerSecond;
        // Pairs (intended start offset in ns, latency in µs; -1 for a failure or a request not sent).
        long[] lateness = new long[2 * requests.size()];
        java.util.Arrays.fill(lateness, -1);
        CountDownLatch start = new CountDownLatch(1);
        long[] startedAt = new long[1];
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Histogram histogram = new Histogram(60_000_000L, 3);
            histograms.add(histogram);
            Thread thread = new Thread(() -> {
                try (KeepAliveHttpConnection connection = new KeepAliveHttpConnection(base)) {
                    start.await();
                    long deadline = startedAt[0] + limit.toNanos();
                    // A gateway that falls far behind would keep this phase going long after its schedule ended.
                    long lastStart = deadline + Math.max(limit.toNanos(), 10_000_000_000L);
                    int index;
                    while ((index = next.getAndIncrement()) < requests.size()) {
                        long intended = startedAt[0] + (long) (index * intervalNanos);
                        if (intended > deadline || System.nanoTime() > lastStart) {
                            break;
                        }
                        long wait;
                        while ((wait = intended - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        attempted.incrementAndGet();
                        String failure = exchange(connection, requests.get(index));
                        long answered = System.nanoTime();
                        lastAnswer.accumulateAndGet(answered, Math::max);
                        lateness[2 * index] = intended - startedAt[0];
                        if (failure == null) {
                            histogram.recordValue(Math.max(1, (answered - intended) / 1000));
                            lateness[2 * index + 1] = Math.max(1, (answered - intended) / 1000);
                            ok.incrementAndGet();
                        } else {
                            record(failures, firstFailure, failure, connection);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name + "-client-" + c);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
        startedAt[0] = System.nanoTime();
        start.countDown();
        for (Thread thread : clients) {
            thread.join(2 * limit.toMillis() + 60_000);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        int sent = attempted.get();
        long elapsed = Math.max(1, lastAnswer.get() - startedAt[0]);
        return new Result(name, connections, sent, ok.get(), (long) ok.get() * eventsPerBody, elapsed, all,
                new TreeMap<>(failures), firstFailure.get(), sent < requests.size() || clients.stream().anyMatch(Thread::isAlive),
                lateness);
    }

    /** @return null when the gateway answered 2xx, else what went wrong */
    private static String exchange(KeepAliveHttpConnection connection, byte[] request) {
        try {
            int status = connection.exchange(request);
            return status / 100 == 2 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void record(Map<String, Integer> failures, AtomicReference<String> firstFailure, String failure,
            KeepAliveHttpConnection connection) {
        String kind = failure.startsWith("HTTP ") ? failure : failure.substring(0, failure.indexOf(':'));
        failures.merge(kind, 1, Integer::sum);
        String detail = failure.startsWith("HTTP ") ? failure + ": " + connection.lastErrorBody() : failure;
        firstFailure.compareAndSet(null, detail.length() > 400 ? detail.substring(0, 400) : detail);
    }
}
