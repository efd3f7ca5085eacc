package io.touchpoint.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of the stack's processes from /proc, grouped by role: each service
 * JVM, the devstack JVM (Kafka broker, GreenMail), Redis, PostgreSQL per database (backends name
 * their database), this benchmark's JVM and its children; "other" is what the rest of the machine
 * used (from /proc/stat). Linux only; elsewhere every figure is zero.
 */
final class CpuSampler {

    static final String MACHINE = "machine total (busy)";
    static final String RAW_PRODUCER = "raw producer JVM (ProducerPerformance)";
    static final String OTHER = "other processes (not this benchmark or stack)";

    /** CPU seconds per role at one moment. */
    record Snapshot(long nanoTime, Map<String, Double> seconds) {
    }

    private static final double TICKS = 100.0; // USER_HZ on Linux

    private final Map<String, Long> roots;
    private final Path state;

    /** The launcher's processes running under {@code state}: role name (service, devstack) to pid, from its pid files. */
    static Map<String, Long> stackProcesses(Path state) throws IOException {
        Map<String, Long> roots = new LinkedHashMap<>();
        for (String role : List.of("channel-gateway", "profile-service", "segmentation-service", "journey-service",
                "analytics-service", "devstack")) {
            Path pid = state.resolve("run").resolve(role + ".pid");
            if (Files.exists(pid)) {
                roots.put(role, Long.parseLong(Files.readString(pid).trim()));
            }
        }
        return roots;
    }

    /** @param roots role name to pid for the launcher's processes (service JVMs and the devstack JVM) */
    CpuSampler(Map<String, Long> roots, Path state) {
        this.roots = roots;
        this.state = state;
    }

    private record Proc(long pid, long ppid, String comm, double seconds, double reapedChildrenSeconds) {
    }

    Snapshot snapshot() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<Long, Proc> procs = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                Proc proc = read(p);
                if (proc != null) {
                    procs.put(proc.pid(), proc);
                }
            });
        } catch (IOException e) {
            return new Snapshot(System.nanoTime(), seconds);
        }
        long self = ProcessHandle.current().pid();
        String postgresDir = state.resolve("devstack").resolve("postgres").toString();
        for (Proc proc : procs.values()) {
            String role = role(proc, procs, self, postgresDir);
            if (role != null) {
                seconds.merge(role, proc.seconds(), Double::sum);
            }
            if (proc.pid() == self) {
                // The raw producer's JVM, once it exited and was waited for, counts here.
                seconds.merge(RAW_PRODUCER, proc.reapedChildrenSeconds(), Double::sum);
            }
        }
        double machine = machineBusySeconds();
        double accounted = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        seconds.put(OTHER, machine - accounted);
        seconds.put(MACHINE, machine);
        return new Snapshot(System.nanoTime(), seconds);
    }

    /** Cores used per role between two snapshots (CPU seconds over wall seconds), largest first. */
    static Map<String, Double> coresUsed(Snapshot before, Snapshot after) {
        double wall = (after.nanoTime() - before.nanoTime()) / 1e9;
        List<Map.Entry<String, Double>> rows = new ArrayList<>();
        for (var entry : after.seconds().entrySet()) {
            double delta = entry.getValue() - before.seconds().getOrDefault(entry.getKey(), 0.0);
            rows.add(Map.entry(entry.getKey(), Math.max(0, delta) / wall));
        }
        rows.sort((a, b) -> {
            if (a.getKey().equals(MACHINE)) {
                return 1;
            }
            if (b.getKey().equals(MACHINE)) {
                return -1;
            }
            return Double.compare(b.getValue(), a.getValue());
        });
        Map<String, Double> cores = new LinkedHashMap<>();
        rows.forEach(e -> cores.put(e.getKey(), e.getValue()));
        return cores;
    }

    private String role(Proc proc, Map<Long, Proc> procs, long self, String postgresDir) {
        // Walk up to a known root.
        Proc at = proc;
        for (int depth = 0; at != null && depth < 64; depth++) {
            long pid = at.pid();
            if (pid == self) {
                return proc.pid() == self ? "benchmark client JVM" : RAW_PRODUCER;
            }
            for (var root : roots.entrySet()) {
                if (root.getValue() == pid) {
                    if (!root.getKey().equals("devstack")) {
                        return root.getKey();
                    }
                    return proc.comm().startsWith("redis") ? "redis" : proc.pid() == pid ? "kafka broker (devstack JVM)"
                            : "devstack helpers";
                }
            }
            if (at.comm().equals("postgres") && cmdline(at.pid()).contains(postgresDir)) {
                if (proc.pid() == at.pid()) {
                    return "postgres (postmaster)";
                }
                String cmd = cmdline(proc.pid());
                int db = cmd.indexOf("touchpoint_");
                if (db >= 0) {
                    int end = cmd.indexOf(' ', db);
                    return "postgres " + cmd.substring(db, end < 0 ? cmd.length() : end);
                }
                return "postgres (background)";
            }
            at = procs.get(at.ppid());
        }
        return null;
    }

    private static Proc read(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String comm = stat.substring(open + 1, close);
            String[] fields = stat.substring(close + 2).split(" ");
            // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15.
            long ppid = Long.parseLong(fields[1]);
            double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
            double children = (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS;
            return new Proc(Long.parseLong(dir.getFileName().toString()), ppid, comm, seconds, children);
        } catch (IOException | RuntimeException e) {
            return null; // gone meanwhile
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * CPU seconds of one process's threads by group (thread names with digits folded, e.g. every
     * Vert.x event loop together), user and system time apart: {@code "group (user)"} and
     * {@code "group (system)"}. Shows whether a JVM's CPU goes to request handling, to the JIT
     * compiler, to GC or to the kernel.
     */
    static Map<String, Double> threads(long pid) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String group = comm.replaceAll("\\d+", "N");
                    seconds.merge(group + " (user)", Long.parseLong(fields[11]) / TICKS, Double::sum);
                    seconds.merge(group + " (system)", Long.parseLong(fields[12]) / TICKS, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            // the process ended
        }
        return seconds;
    }

    /** Cores used per thread group between two {@link #threads} readings over {@code wallSeconds}, largest first. */
    static Map<String, Double> threadCores(Map<String, Double> before, Map<String, Double> after, double wallSeconds) {
        Map<String, Double> cores = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0)) / wallSeconds))
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> cores.put(e.getKey(), e.getValue()));
        return cores;
    }

    private static double machineBusySeconds() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy / TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
