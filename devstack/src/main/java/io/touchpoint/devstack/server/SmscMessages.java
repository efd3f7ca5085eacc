package io.touchpoint.devstack.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the SMSC accepted, as a phone would show it: each submit_sm is one segment; segments of a
 * concatenated message (a UDH with IEI 0x00 or 0x08, or the sar_* parameters) are put back
 * together by (from, to, reference) once all have come. Complete messages are kept in memory for
 * the HTTP API and appended as JSON lines to {@code messages.jsonl} for people.
 */
final class SmscMessages {

    /** One submit_sm as it came, its text already decoded by its data_coding. */
    record Segment(String messageId, String from, String to, String encoding, String text, int reference, int total,
            int number, Instant at) {
    }

    /** A message as the handset shows it. {@code receipt} is the final state the SMSC reports (DELIVRD, UNDELIV). */
    record Message(String from, String to, String text, String encoding, int segments, List<String> messageIds,
            Instant receivedAt, String receipt) {

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("from", from);
            json.put("to", to);
            json.put("text", text);
            json.put("encoding", encoding);
            json.put("segments", segments);
            json.put("messageIds", messageIds);
            json.put("receivedAt", receivedAt.toString());
            json.put("receipt", receipt);
            return json;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<Message> complete = new ArrayList<>();
    private final Map<String, TreeMap<Integer, Segment>> partial = new LinkedHashMap<>();
    private long submits;

    SmscMessages(Path file) {
        this.file = file;
    }

    /** Records a segment; the whole message once this was its last missing part, else null. */
    synchronized Message add(Segment segment, String receipt) {
        submits++;
        if (segment.total() <= 1) {
            return store(new Message(segment.from(), segment.to(), segment.text(), segment.encoding(), 1,
                    List.of(segment.messageId()), segment.at(), receipt));
        }
        String key = segment.from() + "|" + segment.to() + "|" + segment.reference() + "|" + segment.total();
        TreeMap<Integer, Segment> parts = partial.computeIfAbsent(key, k -> new TreeMap<>());
        parts.put(segment.number(), segment);
        if (parts.size() < segment.total()) {
            return null;
        }
        partial.remove(key);
        StringBuilder text = new StringBuilder();
        List<String> ids = new ArrayList<>();
        parts.values().forEach(p -> {
            text.append(p.text());
            ids.add(p.messageId());
        });
        Segment first = parts.firstEntry().getValue();
        return store(new Message(first.from(), first.to(), text.toString(), first.encoding(), parts.size(), ids,
                first.at(), receipt));
    }

    private Message store(Message message) {
        complete.add(message);
        try {
            Files.writeString(file, JSON.writeValueAsString(message.json()) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return message;
    }

    /** Complete messages to {@code to} (all when null), oldest first, as JSON. */
    synchronized String json(String to) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Message m : complete) {
            if (to == null || to.equals(m.to())) {
                out.add(m.json());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("submits", submits);
        body.put("messages", out);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
