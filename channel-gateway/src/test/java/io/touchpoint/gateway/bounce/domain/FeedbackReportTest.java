package io.touchpoint.gateway.bounce.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Feedback reports shaped like the ones mailbox providers send (RFC 5965, RFC 6590 redaction). */
class FeedbackReportTest {

    private static final String YAHOO = """
            Feedback-Type: abuse\r
            User-Agent: Yahoo!-Mail-Feedback/2.0\r
            Version: 0.1\r
            Original-Mail-From: <bounces@touchpoint.local>\r
            Original-Rcpt-To: ada@yahoo.com\r
            Received-Date: Wed, 2 Dec 2026 16:00:00 +0000\r
            Authentication-Results: mta1234.mail.gq1.yahoo.com  from=touchpoint.local; domainkeys=neutral (no sig);\r
              from=touchpoint.local; dkim=pass (ok)\r
            """;

    /** The whole message as it was received, with a body that quotes another message's headers. */
    private static final String YAHOO_ORIGINAL = """
            Received: from mail.touchpoint.local (EHLO mail.touchpoint.local) (192.0.2.10)\r
              by mta1234.mail.gq1.yahoo.com with SMTP; Wed, 02 Dec 2026 16:00:00 +0000\r
            From: Touchpoint <no-reply@touchpoint.local>\r
            To: ada@yahoo.com\r
            Subject: News\r
            Message-ID: <8d0c3f5e-5b1a-4a4e-9d55-2f7c1d8e6a01@touchpoint.local>\r
            List-Unsubscribe: <https://touchpoint.local/v1/unsubscribe/u1.abc>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=UTF-8\r
            \r
            Forwarded before:\r
            Message-ID: <someone-else@example.org>\r
            """;

    private static final String AOL = """
            Feedback-Type: abuse
            User-Agent: AOL SComp
            Version: 0.1
            Received-Date: Wed, 02 Dec 2026 11:00:00 -0500
            Source-IP: 192.0.2.10
            Reported-Domain: touchpoint.local
            Redacted-Address: redacted
            """;

    /** AOL redacts the recipient in the attached message; the Message-ID stays, folded here onto a second line. */
    private static final String AOL_ORIGINAL = """
            Return-Path: <bounces@touchpoint.local>
            From: Touchpoint <no-reply@touchpoint.local>
            To: redacted@aol.com
            Subject: News
            Message-Id:
             <d-aol-1@touchpoint.local>
            Date: Wed, 2 Dec 2026 15:59:00 +0000

            News.
            """;

    /** The example of RFC 5965 section 3.5, about one of our messages: only the headers come back. */
    private static final String RFC = """
            Feedback-Type: Abuse\r
            User-Agent: SomeGenerator/1.0\r
            Version: 1\r
            Original-Mail-From: <bounces@touchpoint.local>\r
            Original-Rcpt-To: <user@example.com>\r
            Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\r
            Reporting-MTA: dns; mail.example.com\r
            Source-IP: 192.0.2.1\r
            Authentication-Results: mail.example.com; spf=pass smtp.mail=bounces@touchpoint.local\r
            Reported-Domain: touchpoint.local\r
            Reported-Uri: http://touchpoint.local/earn_money.html\r
            Reported-Uri: mailto:user@example.com\r
            Removal-Recipient: user@example.com\r
            """;

    private static final String RFC_HEADERS = """
            \r
            Received: from mailserver.touchpoint.local (mailserver.touchpoint.local [192.0.2.1])\r
                    by example.com with ESMTP id M63d4137594e46;\r
                    Thu, 08 Mar 2005 14:00:00 -0400\r
            From: <no-reply@touchpoint.local>\r
            To: <Undisclosed Recipients>\r
            Subject: Earn money\r
            MIME-Version: 1.0\r
            Content-Type: text/plain\r
            Message-ID: <d-rfc-5965@touchpoint.local>\r
            Date: Thu, 02 Sep 2004 12:31:03 -0500\r
            """;

    /** RFC 6590: the recipient is replaced by a hash in the report and the message alike. */
    private static final String REDACTED = """
            Feedback-Type: fraud
            User-Agent: ExampleFBL/3.1
            Version: 1
            Original-Rcpt-To: <7d9f0a14a5e8@redacted.example.net>
            Redacted-Address: 7d9f0a14a5e8
            Arrival-Date: Wed, 2 Dec 2026 16:00:00 +0000
            """;

    private static final String REDACTED_HEADERS = """
            From: Touchpoint <no-reply@touchpoint.local>
            To: 7d9f0a14a5e8@redacted.example.net
            Subject: Your order
            Message-ID: <d-redacted@touchpoint.local>
            """;

    @Test
    void aYahooReportWithTheWholeMessageNamesTheDelivery() {
        FeedbackReport r = FeedbackReport.parse(YAHOO, YAHOO_ORIGINAL).orElseThrow();
        assertEquals("abuse", r.feedbackType());
        assertEquals("Yahoo!-Mail-Feedback/2.0", r.userAgent());
        assertEquals("<8d0c3f5e-5b1a-4a4e-9d55-2f7c1d8e6a01@touchpoint.local>", r.originalMessageId());
        assertEquals(Optional.of("8d0c3f5e-5b1a-4a4e-9d55-2f7c1d8e6a01"), r.deliveryId());
        assertTrue(r.complaint());
        assertEquals("abuse reported by Yahoo!-Mail-Feedback/2.0", r.describe());
    }

    @Test
    void anAolReportWithARedactedRecipientAndAFoldedMessageId() {
        FeedbackReport r = FeedbackReport.parse(AOL, AOL_ORIGINAL).orElseThrow();
        assertEquals(Optional.of("d-aol-1"), r.deliveryId());
        assertEquals("AOL SComp", r.userAgent());
        assertTrue(r.complaint());
    }

    @Test
    void onlyTheHeadersOfTheOriginalAndATypeInAnyCase() {
        FeedbackReport r = FeedbackReport.parse(RFC, RFC_HEADERS).orElseThrow();
        assertEquals("abuse", r.feedbackType());
        assertEquals(Optional.of("d-rfc-5965"), r.deliveryId());
    }

    @Test
    void aRedactedFraudReportIsAComplaint() {
        FeedbackReport r = FeedbackReport.parse(REDACTED, REDACTED_HEADERS).orElseThrow();
        assertEquals("fraud", r.feedbackType());
        assertEquals(Optional.of("d-redacted"), r.deliveryId());
        assertTrue(r.complaint());
    }

    @Test
    void otherFeedbackTypesAreNoComplaint() {
        for (String type : new String[] {"not-spam", "virus", "other", "auth-failure"}) {
            FeedbackReport r = FeedbackReport.parse(YAHOO.replace("Feedback-Type: abuse", "Feedback-Type: " + type), YAHOO_ORIGINAL)
                    .orElseThrow();
            assertEquals(type, r.feedbackType());
            assertFalse(r.complaint(), type);
        }
        assertEquals("abuse", FeedbackReport.parse("Feedback-Type: abuse (user clicked spam)\n", null).orElseThrow().feedbackType());
    }

    @Test
    void noFeedbackTypeIsNoReportAndNoMessageIdNamesNoDelivery() {
        assertEquals(Optional.empty(), FeedbackReport.parse("User-Agent: x\nVersion: 1\n", YAHOO_ORIGINAL));
        FeedbackReport withoutOriginal = FeedbackReport.parse("Feedback-Type: abuse\n", null).orElseThrow();
        assertNull(withoutOriginal.userAgent());
        assertEquals(Optional.empty(), withoutOriginal.deliveryId());
        assertEquals("abuse", withoutOriginal.describe());
        assertEquals(Optional.empty(), FeedbackReport.parse(AOL, "From: a@example.org\nMessage-ID: foreign-id\n").orElseThrow()
                .deliveryId());
    }
}
