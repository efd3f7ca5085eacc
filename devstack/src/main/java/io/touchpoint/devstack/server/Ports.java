package io.touchpoint.devstack.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

final class Ports {

    /** Where the ports come from when the system's ephemeral range is known: below it. */
    private static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /**
     * A loopback port free right now, never one this process handed out before; the server that
     * takes it binds moments later. It comes from below the system's ephemeral range where that is
     * known: a port the kernel picked (bind to 0) lies inside it, where any outgoing connection may
     * take it as its local end before the server binds, and Kafka then failed to start (seen in CI).
     */
    static int free() {
        int below = ephemeralStart();
        if (below > LOWEST + 1_000) {
            for (int tries = 0; tries < 100; tries++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
                if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        for (int tries = 0; tries < 100; tries++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first port of Linux's ephemeral range; 0 where it cannot be read (then the kernel picks).
     * Read line by line: {@code Files.readString} trusts the size a file reports, and /proc's files
     * report none, so it returned only the first character ("3" of "32768") and every port came from
     * the kernel's range after all.
     */
    static int ephemeralStart() {
        try (BufferedReader range = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String line = range.readLine();
            return line == null ? 0 : Integer.parseInt(line.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
