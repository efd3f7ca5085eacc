package io.touchpoint.devstack.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server binary from the embedded-redis artifact, run as our own child process so we know
 * its pid and its arguments. No persistence: Redis only caches what PostgreSQL holds.
 */
public final class RedisNode implements AutoCloseable {

    public static final String PID_FILE = "redis.pid";

    private final Process process;
    private final int port;

    private RedisNode(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static RedisNode start(Path dir, ChildProcesses children) throws Exception {
        Path binary = extractBinary(dir);
        int port = Ports.free();
        Path log = dir.resolve("redis.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--protected-mode", "no"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process process = startRetryingBusyText(builder);
        children.record(process.pid());
        // Tests that simulate an outage find the server here (see testing.RedisOutage).
        Files.writeString(dir.resolve(PID_FILE), Long.toString(process.pid()), StandardCharsets.US_ASCII);
        awaitPong(process, port, Duration.ofSeconds(30));
        return new RedisNode(process, port);
    }

    /**
     * A child forked by any thread while the binary was open for writing keeps that file handle
     * until it execs, and exec of a file open for writing fails with "Text file busy". The window
     * is short, so a few attempts suffice.
     */
    private static Process startRetryingBusyText(ProcessBuilder builder) throws IOException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                if (attempt >= 20 || e.getMessage() == null || !e.getMessage().contains("error=26")) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L * attempt);
            }
        }
    }

    private static Path extractBinary(Path dir) throws IOException {
        String arch = System.getProperty("os.arch");
        String resource = arch.contains("aarch64") || arch.contains("arm64")
                ? "/redis-server-6.2.7-linux-arm64" : "/redis-server-6.2.6-v5-linux-amd64";
        Path binary = dir.resolve("redis-server");
        if (!Files.isExecutable(binary)) {
            Files.createDirectories(dir);
            try (InputStream in = RedisNode.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("no redis-server binary for " + arch + " on the classpath");
                }
                Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return binary;
    }

    /** Redis binds in milliseconds; wait on PING/PONG rather than guess. */
    private static void awaitPong(Process process, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[7];
                int n = s.getInputStream().read(buf);
                if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited with " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not answer within " + timeout);
                }
                // The process is starting: block on it briefly rather than spin.
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
