package io.touchpoint.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/** Lines the Markdown reports of the journey and delivery benchmarks share. */
final class ReportText {

    private ReportText() {
    }

    /** Cores, CPU model, memory, OS and JDK of this machine. */
    static String machine() {
        StringBuilder m = new StringBuilder();
        m.append(Runtime.getRuntime().availableProcessors()).append(" cores");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.append(" (").append(line.substring(line.indexOf(':') + 1).trim()).append(')');
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    m.append(String.format(Locale.ROOT, ", %.1f GiB RAM", kb / 1024.0 / 1024.0));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return m.append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(", JDK ").append(Runtime.version()).toString();
    }

    /** Each stack process's nice value (field 19 of /proc/PID/stat): the launcher runs the processing tier at 19 by default. */
    static String niceValues(Map<String, Long> roots) {
        StringBuilder text = new StringBuilder();
        roots.forEach((role, pid) -> {
            try {
                String stat = Files.readString(Path.of("/proc", pid.toString(), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                text.append(text.length() == 0 ? "" : ", ").append(role).append(' ').append(fields[16]);
            } catch (Exception e) {
                text.append(text.length() == 0 ? "" : ", ").append(role).append(" ?");
            }
        });
        return text.append(" (benchmark client 0)").toString();
    }

    /** A table row {@code | name | count | p50 | p90 | p99 | p99.9 | max |} of a histogram in microseconds, shown in ms. */
    static String row(String name, Histogram h) {
        if (h.getTotalCount() == 0) {
            return String.format("| %s | 0 | | | | | |%n", name);
        }
        return String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    /** Cores per role (those using at least 0.01, and the machine's total). */
    static String cores(Map<String, Double> cores) {
        StringBuilder line = new StringBuilder();
        cores.forEach((role, c) -> {
            if (c >= 0.01 || role.equals(CpuSampler.MACHINE)) {
                line.append(line.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.2f", role, c));
            }
        });
        return line.toString();
    }

    /** Thread groups of one process using at least 0.02 cores. */
    static String threads(Map<String, Double> threads) {
        StringBuilder line = new StringBuilder();
        threads.forEach((group, c) -> {
            if (c >= 0.02) {
                line.append(line.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.2f", group, c));
            }
        });
        return line.toString();
    }
}
