package io.touchpoint.gateway.engagement.domain;

import static io.touchpoint.gateway.engagement.domain.EngagementToken.Kind.CLICK;
import static io.touchpoint.gateway.engagement.domain.EngagementToken.Kind.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MachineSignalsTest {

    private static final MachineSignals SIGNALS = new MachineSignals(Duration.ofSeconds(3));
    private static final Instant SENT = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant LATER = SENT.plusSeconds(600);
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

    @Test
    void aPersonsOpenAndClickAreHuman() {
        assertEquals(Optional.empty(), SIGNALS.of(OPEN, "GET", IPHONE, SENT, LATER));
        assertEquals(Optional.empty(), SIGNALS.of(CLICK, "GET", IPHONE, SENT, LATER));
        // Gmail's proxy fetches images when the person opens the mail.
        assertEquals(Optional.empty(), SIGNALS.of(OPEN, "GET", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
                SENT, LATER));
        assertEquals(Optional.empty(), SIGNALS.of(CLICK, "GET", "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 Mobile Safari/537.36",
                SENT, LATER));
    }

    @Test
    void proxiesScannersAndInstantFetchesAreMachines() {
        assertEquals(Optional.of("mail-privacy-proxy"), SIGNALS.of(OPEN, "GET", "Mozilla/5.0", SENT, LATER));
        assertEquals(Optional.of("head-request"), SIGNALS.of(CLICK, "HEAD", IPHONE, SENT, LATER));
        assertEquals(Optional.of("scanner-agent"), SIGNALS.of(CLICK, "GET", "Mozilla/5.0 (compatible; Barracuda Sentinel)", SENT, LATER));
        assertEquals(Optional.of("scanner-agent"), SIGNALS.of(CLICK, "GET", "python-requests/2.31.0", SENT, LATER));
        assertEquals(Optional.of("scanner-agent"), SIGNALS.of(CLICK, "GET", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                SENT, LATER));
        assertEquals(Optional.of("scanner-agent"), SIGNALS.of(CLICK, "GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
                SENT, LATER));
        assertEquals(Optional.of("no-user-agent"), SIGNALS.of(CLICK, "GET", null, SENT, LATER));
        assertEquals(Optional.of("no-user-agent"), SIGNALS.of(OPEN, "GET", " ", SENT, LATER));
        assertEquals(Optional.of("too-soon-after-sending"), SIGNALS.of(CLICK, "GET", IPHONE, SENT, SENT.plusSeconds(2)));
        assertEquals(Optional.empty(), SIGNALS.of(CLICK, "GET", IPHONE, SENT, SENT.plusSeconds(3)));
    }
}
