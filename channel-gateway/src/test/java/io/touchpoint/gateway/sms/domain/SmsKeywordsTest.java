package io.touchpoint.gateway.sms.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class SmsKeywordsTest {

    @Test
    void stopAndItsSynonymsInAnyCaseWithPunctuation() {
        for (String text : new String[] { "STOP", "stop", " Stop! ", "UNSUBSCRIBE", "end.", "Quit", "cancel", "STOPALL" }) {
            assertEquals(Optional.of(SmsKeywords.Keyword.STOP), SmsKeywords.of(text), text);
        }
    }

    @Test
    void startAndItsSynonyms() {
        for (String text : new String[] { "START", "start", "Unstop", "yes!" }) {
            assertEquals(Optional.of(SmsKeywords.Keyword.START), SmsKeywords.of(text), text);
        }
    }

    @Test
    void aSentenceIsNoKeyword() {
        for (String text : new String[] { "please stop sending", "stopped", "", "yes please", "st op" }) {
            assertEquals(Optional.empty(), SmsKeywords.of(text), text);
        }
        assertEquals(Optional.empty(), SmsKeywords.of(null));
    }
}
