package io.touchpoint.devstack.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Native servers (postgres, redis) do not notice when the JVM that started them dies. Their pids go
 * to a file, and a small guardian shell kills them once this JVM is gone, however it ended (a
 * SIGKILL runs no shutdown hook). The next start also reaps whatever a previous run left behind.
 */
final class ChildProcesses {

    private final Path pidFile;

    ChildProcesses(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.pidFile = dir.resolve("native.pids");
    }

    /** Kills processes a previous, crashed run recorded, when they still run one of our servers. */
    void reapLeftovers() throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        for (String line : Files.readAllLines(pidFile, StandardCharsets.US_ASCII)) {
            if (line.isBlank()) {
                continue;
            }
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(line.trim()));
            process.filter(p -> p.info().command().map(c -> c.contains("postgres") || c.contains("redis")).orElse(false))
                    .ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().join();
                    });
        }
        Files.delete(pidFile);
    }

    void startGuardian() throws IOException {
        long self = ProcessHandle.current().pid();
        String script = "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done; "
                + "for p in $(cat \"$1\" 2>/dev/null); do kill -INT \"$p\" 2>/dev/null; done";
        new ProcessBuilder(List.of("/bin/sh", "-c", script, Long.toString(self), pidFile.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    void record(long pid) throws IOException {
        Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
