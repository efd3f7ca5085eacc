package io.touchpoint.gateway.bounce.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a delivery status notification (RFC 3464) says about the message it returns: the returned
 * message's Message-ID, the recipient, the action and the status code (RFC 3463). A permanent
 * failure (5.x.x) is a hard bounce; a transient one (4.x.x) given up on is a soft bounce; "delayed",
 * "delivered", "relayed" and "expanded" reports are no bounce. Pure: parses the report's text parts.
 */
public record DsnReport(String originalMessageId, String recipient, String action, String status, String diagnostic) {

    private static final Pattern STATUS = Pattern.compile("([245])\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>\\r\\n]+>)");

    public boolean bounce() {
        return "failed".equals(action) && (hard() || soft());
    }

    public boolean hard() {
        return status.startsWith("5.");
    }

    public boolean soft() {
        return status.startsWith("4.");
    }

    /** The id in {@code <id@domain>}: the gateway writes delivery ids there. */
    public Optional<String> deliveryId() {
        return MessageIds.deliveryId(originalMessageId);
    }

    /**
     * @param deliveryStatus the text of the {@code message/delivery-status} part
     * @param returnedHeaders the returned message's headers ({@code message/rfc822} or {@code text/rfc822-headers})
     * @return a report per recipient block that names an action and a status
     */
    public static List<DsnReport> parse(String deliveryStatus, String returnedHeaders) {
        String messageId = null;
        if (returnedHeaders != null) {
            Matcher m = MESSAGE_ID.matcher(returnedHeaders);
            if (m.find()) {
                messageId = m.group(1).strip();
            }
        }
        List<DsnReport> reports = new ArrayList<>();
        // Blocks are separated by blank lines: the first is about the message, the others one recipient each.
        String[] blocks = deliveryStatus.replace("\r\n", "\n").split("\n\\s*\n");
        for (int i = 1; i < blocks.length; i++) {
            Map<String, String> fields = fields(blocks[i]);
            String action = fields.getOrDefault("action", "").toLowerCase(Locale.ROOT).strip();
            Matcher status = STATUS.matcher(fields.getOrDefault("status", ""));
            if (action.isEmpty() || !status.find()) {
                continue;
            }
            String recipient = fields.getOrDefault("final-recipient", fields.getOrDefault("original-recipient", ""));
            int semicolon = recipient.indexOf(';');
            reports.add(new DsnReport(messageId, (semicolon >= 0 ? recipient.substring(semicolon + 1) : recipient).strip(), action,
                    status.group(), fields.get("diagnostic-code")));
        }
        return reports;
    }

    private static Map<String, String> fields(String block) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : block.split("\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                fields.put(last, fields.get(last) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                fields.put(last, line.substring(colon + 1).strip());
            }
        }
        return fields;
    }
}
