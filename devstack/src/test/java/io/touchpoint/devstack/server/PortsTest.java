package io.touchpoint.devstack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        // readAllLines, not readString: /proc's files report no size, and readString then read one character.
        int ephemeralStart = Files.exists(range) ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 65_536;
        assertEquals(Files.exists(range) ? ephemeralStart : 0, Ports.ephemeralStart());
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = Ports.free();
            ports.add(port);
            if (ephemeralStart > 11_000) {
                assertTrue(port < ephemeralStart, port + " is in the ephemeral range from " + ephemeralStart);
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, socket.getLocalPort());
            }
        }
        assertEquals(200, ports.size());
    }
}
