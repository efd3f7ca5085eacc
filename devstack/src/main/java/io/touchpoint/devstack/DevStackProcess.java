package io.touchpoint.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Starts the devstack server in a child JVM and hands back its endpoints. The child has its own
 * classpath (written at build time), so Kafka's, GreenMail's and zonky's jars never mix with a
 * service's test classpath. The child dies with this JVM: it watches our pid and its stdin.
 */
public final class DevStackProcess implements AutoCloseable {

    private static final String SERVER_MAIN = "io.touchpoint.devstack.server.DevStackServer";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final Path dir;
    private final Endpoints endpoints;
    private final boolean deleteOnClose;

    private DevStackProcess(Process process, Path dir, Endpoints endpoints, boolean deleteOnClose) {
        this.process = process;
        this.dir = dir;
        this.endpoints = endpoints;
        this.deleteOnClose = deleteOnClose;
    }

    /** A fresh, throw-away stack for one test run under {@code baseDir}; its data is deleted on close. */
    public static DevStackProcess startFresh(Path baseDir) throws IOException {
        Files.createDirectories(baseDir);
        Path dir = Files.createTempDirectory(baseDir, "run-");
        return start(dir, true);
    }

    public static DevStackProcess start(Path dir, boolean deleteOnClose) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv().getOrDefault("TOUCHPOINT_DEVSTACK_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC");
        command.addAll(List.of(opts.trim().split("\\s+")));
        command.addAll(List.of("-cp", serverClasspath(), SERVER_MAIN, "--dir", dir.toString(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid()), "--exit-on-stdin-eof"));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("devstack.log").toFile()))
                .start();
        try {
            Path endpointsFile = awaitReady(process, dir);
            return new DevStackProcess(process, dir, Endpoints.read(endpointsFile), deleteOnClose);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Path awaitReady(Process process, Path dir) throws IOException {
        CompletableFuture<Path> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line; (line = out.readLine()) != null;) {
                    if (line.startsWith("DEVSTACK READY ")) {
                        return Path.of(line.substring("DEVSTACK READY ".length()).trim());
                    }
                }
                throw new IllegalStateException("devstack exited before it was ready; see " + dir.resolve("devstack.log"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("devstack not ready within " + START_TIMEOUT + "; see " + dir.resolve("devstack.log"));
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for devstack", e);
        }
    }

    static String serverClasspath() throws IOException {
        String dependencies;
        try (InputStream in = DevStackProcess.class.getResourceAsStream("devstack.classpath")) {
            if (in == null) {
                throw new IllegalStateException("devstack.classpath missing: build the devstack module with Maven");
            }
            dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        try {
            String self = Path.of(DevStackProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            return self + java.io.File.pathSeparator + dependencies;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
