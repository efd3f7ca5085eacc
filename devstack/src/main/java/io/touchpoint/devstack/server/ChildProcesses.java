package io.touchpoint.devstack.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Native servers (postgres, redis) do not notice when the JVM that started them dies. Their pids go
 * to a file of this JVM's own, {@code native-<jvm pid>.pids}, and a small guardian shell kills them
 * once this JVM is gone, however it ended (a SIGKILL runs no shutdown hook). The next start reaps
 * whatever a previous run whose JVM is dead left behind.
 *
 * <p>One file per JVM: with a single shared file, the guardian of a run that had just stopped read
 * the file after the next run (started at once in the same directory) had written its own pids, and
 * interrupted the new run's servers. An orderly stop deletes its file before the JVM exits, so its
 * guardian finds nothing to kill.
 */
final class ChildProcesses {

    /** Written by launchers before the file became per JVM; reaped when found. */
    static final String LEGACY_FILE = "native.pids";
    private static final Pattern FILE = Pattern.compile("native-(\\d+)\\.pids");

    /** Kept reachable for the JVM's lifetime: the guardian waits for EOF on the pipe this holds open. */
    private static volatile Process guardian;

    private final Path dir;
    private final Path pidFile;

    ChildProcesses(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.dir = dir;
        this.pidFile = dir.resolve(fileName(ProcessHandle.current().pid()));
    }

    static String fileName(long jvmPid) {
        return "native-" + jvmPid + ".pids";
    }

    Path pidFile() {
        return pidFile;
    }

    /**
     * Stops the servers recorded by runs whose devstack JVM is dead (when those pids still run one of
     * our servers) and deletes their files. The file of a devstack JVM that still runs is left alone.
     */
    void reapLeftovers() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "native*.pids")) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                Matcher m = FILE.matcher(name);
                if (name.equals(LEGACY_FILE) || (m.matches() && !isDevStackJvm(Long.parseLong(m.group(1))))) {
                    files.add(file);
                }
            }
        }
        for (Path file : files) {
            reap(file);
        }
    }

    /** Stops every server {@code file} lists that still runs, then deletes the file. */
    private static void reap(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                ProcessHandle.of(Long.parseLong(line.trim())).filter(ChildProcesses::isOurServer)
                        .ifPresent(ChildProcesses::stop);
            }
        }
        Files.deleteIfExists(file);
    }

    /**
     * The guardian reads its stdin, a pipe only this JVM holds open: the read returns at EOF, the
     * moment this JVM ends, however it ended. It then interrupts the servers in this JVM's file
     * (if an orderly stop has not deleted it) and deletes the file.
     */
    void startGuardian() throws IOException {
        String script = "read -r _ignored; "
                + "for p in $(cat \"$0\" 2>/dev/null); do "
                + "  c=$(cat \"/proc/$p/comm\" 2>/dev/null || ps -o comm= -p \"$p\" 2>/dev/null); "
                + "  case $c in *postgres*|*redis*) kill -INT \"$p\" 2>/dev/null;; esac; "
                + "done; rm -f \"$0\"";
        guardian = new ProcessBuilder(List.of("/bin/sh", "-c", script, pidFile.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    void record(long pid) throws IOException {
        Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * After an orderly stop of every server: stops whichever of ours still runs (a failed stop) and
     * deletes this JVM's file, so nothing is left for the guardian to kill.
     */
    void forget() {
        try {
            reap(pidFile);
        } catch (IOException e) {
            System.err.println("devstack: cannot delete " + pidFile + ": " + e);
        }
    }

    private static boolean isDevStackJvm(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(p -> p.info().commandLine())
                .map(c -> c.contains(DevStackServer.class.getName()))
                .orElse(false);
    }

    private static boolean isOurServer(ProcessHandle p) {
        return p.isAlive() && p.info().command().map(c -> c.contains("postgres") || c.contains("redis")).orElse(false);
    }

    /** SIGINT (PostgreSQL's fast shutdown; Redis exits too), then SIGKILL what still runs after 10 s. */
    private static void stop(ProcessHandle p) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception stillThere) {
                System.err.println("devstack: leftover process " + p.pid() + " did not exit: " + stillThere);
            }
        }
    }
}
