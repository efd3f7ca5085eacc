package io.touchpoint.gateway.bounce.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DsnReportTest {

    static String status(String action, String status) {
        return "Reporting-MTA: dns; mx.example.com\r\nArrival-Date: Wed, 2 Dec 2026 16:00:00 +0000\r\n\r\n"
                + "Original-Recipient: rfc822;ada@example.com\r\nFinal-Recipient: rfc822; ada@example.com\r\n"
                + "Action: " + action + "\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
                + "  (the mailbox does not exist)\r\n";
    }

    private static final String HEADERS = "From: Touchpoint <no-reply@touchpoint.local>\r\nMessage-ID: <d-42@touchpoint.local>\r\n"
            + "Subject: Welcome\r\n";

    @Test
    void readsTheReturnedMessageTheRecipientAndTheStatus() {
        List<DsnReport> reports = DsnReport.parse(status("failed", "5.1.1"), HEADERS);
        assertEquals(1, reports.size());
        DsnReport r = reports.get(0);
        assertEquals(Optional.of("d-42"), r.deliveryId());
        assertEquals("ada@example.com", r.recipient());
        assertTrue(r.bounce());
        assertTrue(r.hard());
        assertEquals("smtp; 550 5.1.1 user unknown (the mailbox does not exist)", r.diagnostic());
    }

    @Test
    void aTransientFailureIsSoftAndADelayIsNoBounce() {
        DsnReport soft = DsnReport.parse(status("failed", "4.2.2"), HEADERS).get(0);
        assertTrue(soft.bounce());
        assertFalse(soft.hard());
        assertFalse(DsnReport.parse(status("delayed", "4.4.7"), HEADERS).get(0).bounce());
        assertFalse(DsnReport.parse(status("delivered", "2.0.0"), HEADERS).get(0).bounce());
    }

    @Test
    void aReportWithoutRecipientBlocksOrMessageIdNamesNoDelivery() {
        assertEquals(List.of(), DsnReport.parse("Reporting-MTA: dns; mx.example.com\r\n", HEADERS));
        assertEquals(Optional.empty(), DsnReport.parse(status("failed", "5.1.1"), "Subject: x\r\n").get(0).deliveryId());
    }

    @Test
    void theBackoffDoublesWithEachSoftBounce() {
        assertEquals(Duration.ofMinutes(15), Bounces.backoff(Duration.ofMinutes(15), 1));
        assertEquals(Duration.ofMinutes(60), Bounces.backoff(Duration.ofMinutes(15), 3));
    }
}
