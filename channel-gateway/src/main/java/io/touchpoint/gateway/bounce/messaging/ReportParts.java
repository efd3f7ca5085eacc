package io.touchpoint.gateway.bounce.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import io.touchpoint.gateway.bounce.domain.DsnReport;
import io.touchpoint.gateway.bounce.domain.FeedbackReport;

/**
 * The machine-readable parts of a mail in the bounce mailbox (multipart/report, RFC 6522): the
 * status of a DSN (RFC 3464) or the feedback of an ARF report (RFC 5965), with the returned
 * message's headers, handed to the pure parsers.
 */
final class ReportParts {

    private final String deliveryStatus;
    private final String feedback;
    private final String returnedHeaders;

    private ReportParts(String deliveryStatus, String feedback, String returnedHeaders) {
        this.deliveryStatus = deliveryStatus;
        this.feedback = feedback;
        this.returnedHeaders = returnedHeaders;
    }

    static ReportParts of(Message message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/report") || !(message.getContent() instanceof Multipart report)) {
            return new ReportParts(null, null, null);
        }
        String status = null;
        String feedback = null;
        String headers = null;
        for (int i = 0; i < report.getCount(); i++) {
            Part part = report.getBodyPart(i);
            String type = part.getContentType().toLowerCase(Locale.ROOT);
            if (type.startsWith("message/delivery-status")) {
                status = text(part.getInputStream());
            } else if (type.startsWith("message/feedback-report")) {
                feedback = text(part.getInputStream());
            } else if (type.startsWith("message/rfc822") && part.getContent() instanceof MimeMessage returned) {
                headers = String.join("\r\n", Collections.list(returned.getAllHeaderLines()));
            } else if (type.startsWith("text/rfc822-headers")) {
                headers = text(part.getInputStream());
            }
        }
        return new ReportParts(status, feedback, headers);
    }

    /** The reports in a DSN; none for any other mail. */
    List<DsnReport> deliveryStatus() {
        return deliveryStatus == null ? List.of() : DsnReport.parse(deliveryStatus, returnedHeaders);
    }

    /** The feedback in an ARF report; none for any other mail. */
    Optional<FeedbackReport> feedback() {
        return feedback == null ? Optional.empty() : FeedbackReport.parse(feedback, returnedHeaders);
    }

    private static String text(InputStream in) throws IOException {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
