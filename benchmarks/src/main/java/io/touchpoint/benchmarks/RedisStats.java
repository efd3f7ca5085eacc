package io.touchpoint.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Redis's own per-command counters ({@code INFO commandstats}), read over a plain socket. */
final class RedisStats {

    /** Calls and microseconds spent inside Redis for one command. */
    record Command(long calls, long usec) {
    }

    private final String host;
    private final int port;

    RedisStats(String url) {
        URI uri = URI.create(url);
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 6379 : uri.getPort();
    }

    Map<String, Command> commandStats() {
        Map<String, Command> stats = new HashMap<>();
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String header = in.readLine(); // $<length>
            int length = Integer.parseInt(header.substring(1));
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            for (String line : new String(body, 0, read).split("\r\n")) {
                // cmdstat_mget:calls=12,usec=345,usec_per_call=28.75,...
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String name = line.substring(8, line.indexOf(':'));
                long calls = 0;
                long usec = 0;
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("calls=")) {
                        calls = Long.parseLong(field.substring(6));
                    } else if (field.startsWith("usec=")) {
                        usec = Long.parseLong(field.substring(5));
                    }
                }
                stats.put(name, new Command(calls, usec));
            }
        } catch (Exception e) {
            // diagnostics only
        }
        return stats;
    }
}
