package io.touchpoint.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: {@code concurrency} clients, each sending the next prepared body as soon as
 * its previous request was answered, until every body was sent or the time limit passed. Latency
 * is per HTTP request, from just before the send to the full answer, in microseconds.
 */
final class HttpLoad {

    record Result(String name, int concurrency, int requests, int ok, long eventsAccepted, long elapsedNanos,
            Histogram latencyMicros, Map<String, Integer> failures, String firstFailure, boolean timedOut) {

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

    private final HttpClient client;
    private final String authorization;

    HttpLoad(String writeKey) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    Result run(String name, URI uri, List<byte[]> bodies, int eventsPerBody, int concurrency, Duration limit)
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
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = startedAt[0] + limit.toNanos();
                int index;
                while (System.nanoTime() < deadline && (index = next.getAndIncrement()) < bodies.size()) {
                    attempted.incrementAndGet();
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", authorization)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(index)))
                            .build();
                    long sent = System.nanoTime();
                    String outcome;
                    String body = null;
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        body = response.body();
                        outcome = response.statusCode() == 200 && body.contains("\"success\":true") ? null
                                : "HTTP " + response.statusCode();
                    } catch (Exception e) {
                        outcome = e.getClass().getSimpleName();
                        body = String.valueOf(e.getMessage());
                    }
                    long answered = System.nanoTime();
                    lastAnswer.accumulateAndGet(answered, Math::max);
                    if (outcome == null) {
                        histogram.recordValue(Math.max(1, (answered - sent) / 1000));
                        ok.incrementAndGet();
                    } else {
                        failures.merge(outcome, 1, Integer::sum);
                        String detail = outcome + ": " + body;
                        firstFailure.compareAndSet(null, detail.length() > 400 ? detail.substring(0, 400) : detail);
                    }
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
        boolean timedOut = sent < bodies.size() || clients.stream().anyMatch(Thread::isAlive);
        long elapsed = Math.max(1, lastAnswer.get() - startedAt[0]);
        return new Result(name, concurrency, sent, ok.get(), (long) ok.get() * eventsPerBody, elapsed, all,
                new TreeMap<>(failures), firstFailure.get(), timedOut);
    }

    /**
     * An open-loop load: request i starts at {@code i / requestsPerSecond} seconds whatever the
     * earlier answers did, and its latency counts from that intended start, so a stall is charged to
     * every request it delayed (no coordinated omission). This is the latency a steady stream of
     * SDK flushes sees at a given rate, as opposed to the saturated closed loop above.
     */
    Result runAtRate(String name, URI uri, List<byte[]> bodies, int eventsPerBody, double requestsPerSecond, Duration limit)
            throws InterruptedException {
        Histogram histogram = new Histogram(60_000_000L, 3);
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        CountDownLatch answered = new CountDownLatch(bodies.size());
        long intervalNanos = (long) (1e9 / requestsPerSecond);
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        int sent = 0;
        for (int i = 0; i < bodies.size(); i++) {
            long intended = start + i * intervalNanos;
            if (intended > deadline) {
                break;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            sent++;
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)))
                    .build();
            client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                long now = System.nanoTime();
                lastAnswer.accumulateAndGet(now, Math::max);
                String outcome = error != null ? error.getClass().getSimpleName()
                        : response.statusCode() == 200 && response.body().contains("\"success\":true") ? null
                        : "HTTP " + response.statusCode();
                if (outcome == null) {
                    synchronized (histogram) {
                        histogram.recordValue(Math.max(1, (now - intended) / 1000));
                    }
                    ok.incrementAndGet();
                } else {
                    failures.merge(outcome, 1, Integer::sum);
                    firstFailure.compareAndSet(null, outcome + ": " + (error != null ? error.getMessage() : response.body()));
                }
                answered.countDown();
            });
        }
        for (int i = sent; i < bodies.size(); i++) {
            answered.countDown();
        }
        answered.await(limit.toMillis() + 60_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        long elapsed = Math.max(1, lastAnswer.get() - start);
        return new Result(name, 0, sent, ok.get(), (long) ok.get() * eventsPerBody, elapsed, histogram,
                new TreeMap<>(failures), firstFailure.get(), sent < bodies.size());
    }
}
