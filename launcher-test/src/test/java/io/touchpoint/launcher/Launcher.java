package io.touchpoint.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the real {@code ./touchpoint} script with one TOUCHPOINT_HOME and an environment of its own. */
final class Launcher {

    /** The repository root: the launcher lives there and runs the modules' target/ builds. */
    static final Path ROOT = Path.of(System.getProperty("touchpoint.root", "..")).toAbsolutePath().normalize();

    /** Inherited variables that would change what the launcher does; a developer's shell may set them. */
    private static final List<String> ISOLATED_PREFIXES = List.of("TOUCHPOINT_", "QUARKUS_", "KAFKA_BOOTSTRAP_SERVERS",
            "POSTGRES_URL", "REDIS_HOSTS", "SMTP_HOST", "SMTP_PORT", "IMAP_PORT", "MP_JWT_");

    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final Path script;
    private final Path home;
    private final Map<String, String> env;
    private final AtomicInteger runs = new AtomicInteger();

    Launcher(Path home, Map<String, String> env) {
        this(ROOT.resolve("touchpoint"), home, env);
    }

    /** A copy of the script elsewhere runs the modules of the tree it sits in. */
    Launcher(Path script, Path home, Map<String, String> env) {
        this.script = script;
        this.home = home;
        this.env = new LinkedHashMap<>(env);
        this.env.put("TOUCHPOINT_HOME", home.toString());
    }

    Path home() {
        return home;
    }

    /**
     * Runs {@code ./touchpoint ARGS} and waits for it, at most {@code timeout}. Output goes to files
     * next to the home, not to pipes: the stack's processes must not hold this JVM's pipes open.
     */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        int n = runs.incrementAndGet();
        Path out = home.resolveSibling(home.getFileName() + "-run" + n + ".out");
        Path err = home.resolveSibling(home.getFileName() + "-run" + n + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(script.getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> ISOLATED_PREFIXES.stream().anyMatch(k::startsWith));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("./touchpoint " + String.join(" ", args) + " did not finish within " + timeout
                    + "\n--- stdout\n" + Files.readString(out, StandardCharsets.UTF_8)
                    + "\n--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
