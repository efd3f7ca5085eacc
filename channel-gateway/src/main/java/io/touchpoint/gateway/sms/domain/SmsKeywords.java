package io.touchpoint.gateway.sms.domain;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The keywords a reply to an SMS can be: opting out (STOP and the words carriers treat alike) or
 * back in (START). A reply counts when it is the keyword alone, in any case, with blanks and
 * trailing punctuation around it ("stop", " Stop! "); a sentence that merely contains "stop" is not
 * one. Pure.
 */
public final class SmsKeywords {

    public enum Keyword {
        STOP, START
    }

    public static final Set<String> STOP_WORDS = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
    public static final Set<String> START_WORDS = Set.of("START", "UNSTOP", "YES");

    private SmsKeywords() {
    }

    public static Optional<Keyword> of(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String word = text.strip().replaceAll("[\\p{Punct}\\s]+$", "").toUpperCase(Locale.ROOT);
        if (STOP_WORDS.contains(word)) {
            return Optional.of(Keyword.STOP);
        }
        if (START_WORDS.contains(word)) {
            return Optional.of(Keyword.START);
        }
        return Optional.empty();
    }
}
