package io.touchpoint.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw ceiling: Kafka's own {@code org.apache.kafka.tools.ProducerPerformance} (kafka-tools, the
 * kafka-clients version of the Quarkus BOM) in a child JVM with this module's classpath, against the
 * same broker, unthrottled, with the producer settings the gateway's own interaction producer runs
 * with (acks, idempotence, batch.size, linger.ms, compression, ...: {@code producerProps}), so the
 * two are compared like for like.
 */
final class RawProducer {

    record Result(long records, double recordsPerSecond, double mbPerSecond, double avgLatencyMs, double maxLatencyMs,
            double p50Ms, double p95Ms, double p99Ms, double p999Ms, Map<String, String> metrics, String summaryLine,
            Duration wall, boolean completed) {
    }

    // 300000 records sent, 61234.5 records/sec (35.04 MB/sec), 312.34 ms avg latency, 901.00 ms max latency,
    // 301 ms 50th, 680 ms 95th, 850 ms 99th, 890 ms 99.9th.
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), "
            + "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th");

    /** Producer metrics worth comparing with the gateway's own producer. */
    private static final List<String> METRICS = List.of("producer-metrics:batch-size-avg", "producer-metrics:records-per-request-avg",
            "producer-metrics:request-latency-avg", "producer-metrics:record-queue-time-avg",
            "producer-metrics:record-size-avg", "producer-metrics:requests-in-flight");

    static Result run(String bootstrap, String topic, long records, int recordSize, Map<String, String> producerProps,
            Duration limit, Path log)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        if (!classpath.contains("kafka-tools")) {
            // Started by exec:java inside Maven's JVM: use the classpath the build wrote.
            Path target = IngestionBenchmark.moduleTarget();
            classpath = target.resolve("classes") + File.pathSeparator
                    + Files.readString(target.resolve("benchmark.classpath")).trim();
        }
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", classpath,
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--print-metrics",
                "--producer-props", "bootstrap.servers=" + bootstrap, "client.id=touchpoint-benchmark-raw"));
        producerProps.forEach((name, value) -> command.add(name + "=" + value));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean completed = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        if (!completed) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        String output = Files.readString(log);
        // Only the final line has percentiles; the periodic progress lines do not match.
        String[] last = null;
        Matcher m = SUMMARY.matcher(output);
        while (m.find()) {
            last = new String[10];
            for (int i = 0; i < 10; i++) {
                last[i] = m.group(i);
            }
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            for (String metric : METRICS) {
                if (line.startsWith(metric + ":")) {
                    metrics.put(metric.substring("producer-metrics:".length()), line.substring(line.lastIndexOf(':') + 1).trim());
                }
            }
        }
        if (last == null || process.exitValue() != 0) {
            return new Result(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, metrics, "ProducerPerformance did not finish (exit " + (completed ? process.exitValue() : "timeout")
                    + "); see " + log, wall, false);
        }
        return new Result(Long.parseLong(last[1]), Double.parseDouble(last[2]), Double.parseDouble(last[3]),
                Double.parseDouble(last[4]), Double.parseDouble(last[5]), Double.parseDouble(last[6]),
                Double.parseDouble(last[7]), Double.parseDouble(last[8]), Double.parseDouble(last[9]),
                metrics, last[0], wall, true);
    }
}
