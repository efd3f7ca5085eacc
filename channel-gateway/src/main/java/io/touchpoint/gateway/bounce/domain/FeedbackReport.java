package io.touchpoint.gateway.bounce.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a feedback report (ARF, RFC 5965) from a mailbox provider says about a message it returns:
 * the feedback type, who generated the report (its User-Agent), and the returned message's
 * Message-ID, read from the original message or its headers. Only the Message-ID is trusted to find
 * the delivery: providers redact the recipient (RFC 6590), and the ledger knows the address anyway.
 * Pure: parses the report's text parts.
 */
public record FeedbackReport(String feedbackType, String userAgent, String originalMessageId) {

    /** The types that mean the person does not want the mail; {@code not-spam}, {@code virus}, {@code other}... do not. */
    private static final Set<String> COMPLAINTS = Set.of("abuse", "fraud");
    private static final Pattern ANGLE_ADDR = Pattern.compile("<[^<>\\s]+>");

    /** The person marked the message as spam (or fraud): their address is to be suppressed. */
    public boolean complaint() {
        return COMPLAINTS.contains(feedbackType);
    }

    public Optional<String> deliveryId() {
        return MessageIds.deliveryId(originalMessageId);
    }

    /** The feedback type and who reported it, as a person reads it in a delivery event. */
    public String describe() {
        return userAgent == null ? feedbackType : feedbackType + " reported by " + userAgent;
    }

    /**
     * @param feedback the text of the {@code message/feedback-report} part
     * @param original the original message, whole ({@code message/rfc822}) or only its headers
     *        ({@code text/rfc822-headers}); null when the report left it out
     * @return empty when the part names no feedback type (it is no feedback report)
     */
    public static Optional<FeedbackReport> parse(String feedback, String original) {
        Map<String, String> fields = fields(feedback);
        String type = fields.get("feedback-type");
        if (type == null || type.isBlank()) {
            return Optional.empty();
        }
        String userAgent = fields.get("user-agent");
        String messageId = original == null ? null : messageId(fields(headerBlock(original)).get("message-id"));
        return Optional.of(new FeedbackReport(token(type), userAgent == null || userAgent.isBlank() ? null : userAgent,
                messageId));
    }

    /** Only the header block: an attached message's body may quote other messages' headers. */
    private static String headerBlock(String message) {
        String text = message.replace("\r\n", "\n").stripLeading();
        int end = text.indexOf("\n\n");
        return end < 0 ? text : text.substring(0, end);
    }

    /** The type is a token; some generators add a comment or parameters after it. */
    private static String token(String type) {
        String value = type.strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < value.length() && (Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '-')) {
            end++;
        }
        return value.substring(0, end);
    }

    private static String messageId(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = ANGLE_ADDR.matcher(value);
        return m.find() ? m.group() : value.strip();
    }

    /** Header-style fields, folded lines unfolded; the first of a repeated field is kept. */
    private static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : text.replace("\r\n", "\n").split("\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                fields.put(last, (fields.get(last) + " " + line.strip()).strip());
                continue;
            }
            last = null;
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                if (!fields.containsKey(name)) {
                    last = name;
                    fields.put(name, line.substring(colon + 1).strip());
                }
            }
        }
        return fields;
    }
}
