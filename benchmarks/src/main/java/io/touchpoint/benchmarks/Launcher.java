package io.touchpoint.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The stack's launcher, run as a user runs it, for what a benchmark does to a running stack. */
final class Launcher {

    private Launcher() {
    }

    /**
     * {@code ./touchpoint restart channel-gateway [--kill]} on the stack under {@code state}; returns
     * what the launcher said once the gateway is ready again, throws when it failed.
     */
    static String restartGateway(String launcher, Path state, boolean kill) throws Exception {
        ProcessBuilder restart = (kill ? new ProcessBuilder(launcher, "restart", "channel-gateway", "--kill")
                : new ProcessBuilder(launcher, "restart", "channel-gateway")).redirectErrorStream(true);
        restart.environment().put("TOUCHPOINT_HOME", state.toString());
        Process p = restart.start();
        String says = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException("./touchpoint restart channel-gateway" + (kill ? " --kill" : "") + " failed (" + rc + "): "
                    + says);
        }
        return says;
    }
}
