package io.touchpoint.devstack.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP server that accepts every message and keeps only what identifies it: per recipient, the
 * Message-ID, subject and size of each message. Its cost per message does not grow with the number
 * of recipients it has seen (GreenMail walks every mailbox it holds for each message, so past some
 * tens of thousands of addresses it, not the client, sets the rate). For throughput measurements of
 * large sends: nothing is stored to read back over IMAP. Speaks EHLO/HELO, MAIL, RCPT, DATA, RSET,
 * NOOP and QUIT, with PIPELINING, on the loopback address only; no TLS, no login.
 */
public final class SmtpSink implements AutoCloseable {

    /** One message as accepted for one recipient. */
    public record Received(String recipient, String messageId, String subject, long size) {
    }

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-sink");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Queue<Received>> boxes = new ConcurrentHashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private volatile boolean closed;

    private SmtpSink(ServerSocket socket) {
        this.socket = socket;
    }

    /** Starts listening on a free loopback port. */
    public static SmtpSink start() throws IOException {
        SmtpSink sink = new SmtpSink(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
        sink.connections.submit(sink::accept);
        return sink;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Messages accepted (one per DATA, whatever its number of recipients). */
    public long messages() {
        return messages.get();
    }

    /** What {@code recipient} got, oldest first; {@code purge} forgets it. */
    public List<Received> received(String recipient, boolean purge) {
        String key = recipient.toLowerCase(Locale.ROOT);
        Queue<Received> box = purge ? boxes.remove(key) : boxes.get(key);
        return box == null ? List.of() : List.copyOf(box);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = socket.accept();
                client.setTcpNoDelay(true);
                connections.submit(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("smtp-sink: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream stream = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            Lines in = new Lines(stream);
            Session session = new Session();
            reply(out, "220 touchpoint-smtp-sink ESMTP");
            String line;
            while ((line = in.next()) != null) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-touchpoint-smtp-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 52428800");
                    case "HELO" -> reply(out, "250 touchpoint-smtp-sink");
                    case "MAIL" -> {
                        session.recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "RCPT" -> {
                        session.recipients.add(address(line));
                        reply(out, "250 OK");
                    }
                    case "DATA" -> {
                        if (session.recipients.isEmpty()) {
                            reply(out, "503 RCPT first");
                            continue;
                        }
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        if (!data(in, session)) {
                            return;
                        }
                        reply(out, "250 OK");
                    }
                    case "RSET" -> {
                        session.recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "NOOP" -> reply(out, "250 OK");
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (SocketException e) {
            // The client went away.
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                System.err.println("smtp-sink: a connection failed: " + e);
            }
        }
    }

    private static final class Session {
        final List<String> recipients = new ArrayList<>();
    }

    /** Reads the message up to the lone dot; false when the connection ended first. */
    private boolean data(Lines in, Session session) throws IOException {
        String messageId = null;
        String subject = null;
        boolean headers = true;
        long size = 0;
        String line;
        while ((line = in.next()) != null) {
            if (line.equals(".")) {
                messages.incrementAndGet();
                for (String recipient : session.recipients) {
                    boxes.computeIfAbsent(recipient.toLowerCase(Locale.ROOT), k -> new ConcurrentLinkedQueue<>())
                            .add(new Received(recipient, messageId, subject, size));
                }
                session.recipients.clear();
                return true;
            }
            if (line.startsWith(".")) {
                line = line.substring(1);
            }
            size += line.length() + 2;
            if (headers) {
                if (line.isEmpty()) {
                    headers = false;
                } else if (messageId == null && line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                    messageId = line.substring(11).trim();
                } else if (subject == null && line.regionMatches(true, 0, "Subject:", 0, 8)) {
                    subject = line.substring(8).trim();
                }
            }
        }
        return false;
    }

    private static String address(String command) {
        int open = command.indexOf('<');
        int close = command.indexOf('>', open + 1);
        return open >= 0 && close > open ? command.substring(open + 1, close) : command.substring(command.indexOf(':') + 1).trim();
    }

    /** Lines of one connection, read a buffer at a time (not a byte per call). */
    private static final class Lines {
        private final InputStream in;
        private final byte[] buffer = new byte[65_536];
        private int position;
        private int limit;
        private byte[] line = new byte[1_024];

        Lines(InputStream in) {
            this.in = in;
        }

        /** One line without its CRLF (or LF), null at the end of the stream. */
        String next() throws IOException {
            int length = 0;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return length == 0 ? null : new String(line, 0, length, StandardCharsets.ISO_8859_1);
                    }
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    if (length > 0 && line[length - 1] == '\r') {
                        length--;
                    }
                    return new String(line, 0, length, StandardCharsets.ISO_8859_1);
                }
                if (length == line.length) {
                    line = java.util.Arrays.copyOf(line, length * 2);
                }
                line[length++] = b;
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        connections.shutdownNow();
    }
}
