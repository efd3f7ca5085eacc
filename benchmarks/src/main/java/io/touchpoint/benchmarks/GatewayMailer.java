package io.touchpoint.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Points a running stack's channel-gateway at another SMTP server and back: its configuration file
 * (written by {@code ./touchpoint up}, which outranks the environment) gets the new host and port,
 * and {@code ./touchpoint restart channel-gateway} starts it on them.
 */
final class GatewayMailer implements AutoCloseable {

    private final Path file;
    private final Path state;
    private final String launcher;
    private final String original;

    GatewayMailer(Path state, String launcher, String host, int port) throws Exception {
        this.state = state;
        this.launcher = launcher;
        this.file = state.resolve("run/channel-gateway.properties");
        this.original = Files.readString(file);
        List<String> lines = original.lines().map(line -> line.startsWith("quarkus.mailer.host=") ? "quarkus.mailer.host=" + host
                : line.startsWith("quarkus.mailer.port=") ? "quarkus.mailer.port=" + port : line).toList();
        Files.writeString(file, String.join("\n", lines) + "\n");
        try {
            Launcher.restartGateway(launcher, state, false);
        } catch (Exception e) {
            Files.writeString(file, original);
            throw e;
        }
    }

    /** The gateway back on the stack's own SMTP server. */
    @Override
    public void close() throws Exception {
        Files.writeString(file, original);
        Launcher.restartGateway(launcher, state, false);
    }
}
