package io.touchpoint.benchmarks;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection used by one thread: writes a request (a GET, or request bytes
 * built before the load started), reads the status line, the headers and the body (Content-Length
 * or chunked), and answers the status. It exists so a load costs the client about what the raw
 * loops cost theirs (a blocking socket, no selector threads, no per-request objects beyond what
 * the answer's headers need): on a machine where the client shares the cores with the server, a
 * heavy client would lower the server's figure, not its own.
 */
final class KeepAliveHttpConnection implements Closeable {

    private final String host;
    private final int port;
    private final byte[] hostHeader;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final StringBuilder line = new StringBuilder(128);
    private String lastErrorBody;

    KeepAliveHttpConnection(URI base) {
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.hostHeader = (host + ":" + port).getBytes(StandardCharsets.US_ASCII);
    }

    /** GETs {@code path} with an Authorization header, reads the whole answer and returns its status. */
    int get(String path, byte[] authorization) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] request = concat("GET ".getBytes(StandardCharsets.US_ASCII), path.getBytes(StandardCharsets.UTF_8),
                " HTTP/1.1\r\nHost: ".getBytes(StandardCharsets.US_ASCII), hostHeader,
                "\r\nAuthorization: ".getBytes(StandardCharsets.US_ASCII), authorization,
                "\r\nAccept: application/json\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * A complete request (request line, headers, body) for {@link #exchange}; built once per body
     * before a load starts, so the load itself only writes bytes.
     */
    static byte[] post(URI base, String path, String authorization, String contentType, byte[] body) {
        int port = base.getPort() < 0 ? 80 : base.getPort();
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + port + "\r\nAuthorization: "
                + authorization + "\r\nContent-Type: " + contentType + "\r\nAccept: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    /** A complete GET request for {@link #exchange}, built before a load starts. */
    static byte[] get(URI base, String path, String authorization) {
        int port = base.getPort() < 0 ? 80 : base.getPort();
        return ("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + port + "\r\nAuthorization: " + authorization
                + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a request built by {@link #post} or {@link #get}, reads the whole answer and returns its status. */
    int exchange(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The body of the last answer that was not 2xx (at most 2 KB), for the report's first failure. */
    String lastErrorBody() {
        return lastErrorBody;
    }

    private int readResponse() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                closes = value.equalsIgnoreCase("close");
            }
        }
        // Only a failure's body is kept (for the report); a success's is skipped unread.
        java.io.ByteArrayOutputStream kept = code / 100 == 2 ? null : new java.io.ByteArrayOutputStream();
        if (chunked) {
            for (long size = Long.parseLong(chunkSize(readLine()), 16); size > 0; size = Long.parseLong(chunkSize(readLine()), 16)) {
                skip(size, kept);
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(length, kept);
        } else if (length < 0) {
            throw new IOException("an answer without Content-Length or chunks cannot be kept alive");
        }
        if (kept != null) {
            lastErrorBody = kept.toString(StandardCharsets.UTF_8);
        }
        if (closes) {
            close();
        }
        return code;
    }

    private static String chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    private void skip(long n, java.io.ByteArrayOutputStream kept) throws IOException {
        if (kept != null) {
            for (; n > 0; n--) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the server closed the connection mid-body");
                }
                if (kept.size() < 2048) {
                    kept.write(c);
                }
            }
            return;
        }
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the server closed the connection mid-body");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void connect() throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        // A request the server never answers ends the phase's thread, not the whole benchmark.
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing only
            }
            socket = null;
        }
    }
}
