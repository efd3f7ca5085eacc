package io.touchpoint.devstack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.touchpoint.devstack.server.RedisNode;

/**
 * Takes the devstack's embedded Redis away and gives it back, for tests of how a service copes.
 * The server is frozen with SIGSTOP and thawed with SIGCONT: it keeps its port, its data and its
 * connections, and every client sees what a hung or partitioned Redis looks like (calls that never
 * answer), the outage a cache client handles worst. Only the embedded server can be frozen; with
 * {@code REDIS_HOSTS} set there is none and {@link #of} fails.
 *
 * <pre>{@code
 * try (RedisOutage outage = RedisOutage.of(Path.of(devstackDir)).begin()) {
 *     ... // Redis does not answer
 * } // answering again
 * }</pre>
 */
public final class RedisOutage implements AutoCloseable {

    private final long pid;

    private RedisOutage(long pid) {
        this.pid = pid;
    }

    /** The Redis server of the stack whose directory is {@code devstackDir} (config key {@code touchpoint.devstack.dir}). */
    public static RedisOutage of(Path devstackDir) throws IOException {
        Path pidFile = devstackDir.resolve(RedisNode.PID_FILE);
        if (!Files.exists(pidFile)) {
            throw new IllegalStateException("no embedded Redis in " + devstackDir + " (is REDIS_HOSTS set?)");
        }
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
            throw new IllegalStateException("the embedded Redis (pid " + pid + ") is not running");
        }
        return new RedisOutage(pid);
    }

    /** Freezes Redis; it accepts connections but answers nothing until {@link #end}. */
    public RedisOutage begin() {
        signal("STOP");
        return this;
    }

    /** Thaws Redis; it answers what it was sent meanwhile and everything after. */
    public void end() {
        signal("CONT");
    }

    @Override
    public void close() {
        end();
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder(List.of("kill", "-" + name, Long.toString(pid)))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal redis " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis " + pid, e);
        }
    }
}
