package io.touchpoint.platform.api;

import java.util.Locale;
import java.util.Set;

/**
 * Text that Touchpoint can store. PostgreSQL refuses U+0000 (NUL) in {@code text} and
 * {@code jsonb}, and an unpaired UTF-16 surrogate is not Unicode at all (it reaches PostgreSQL as
 * {@code ?}, or breaks whatever encodes it next). Every edge refuses both with a 400 naming the
 * field, instead of a 500 from the database or an event dead-lettered later.
 */
public final class StoredText {

    /** invalid byte sequence (22021) and untranslatable character (22P05): how PostgreSQL refuses NUL. */
    static final Set<String> UNSTORABLE_STATES = Set.of("22021", "22P05");
    static final String UNSTORABLE = "The request holds a NUL character or an unpaired surrogate, which cannot be stored.";

    private StoredText() {
    }

    /** @return the index of the first NUL or unpaired surrogate in the text, or -1 when there is none */
    public static int firstUnstorable(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            // One unsigned comparison for the usual case, U+0001 to U+D7FF: NUL wraps around to U+FFFF.
            if ((char) (c - 1) < Character.MIN_SURROGATE - 1 || c > Character.MAX_SURROGATE) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    public static boolean storable(CharSequence text) {
        return firstUnstorable(text) < 0;
    }

    /** Why the text cannot be stored, e.g. {@code contains U+0000 (NUL)}; assumes {@code !storable(text)}. */
    public static String fault(CharSequence text) {
        char c = text.charAt(firstUnstorable(text));
        return c == 0 ? "contains U+0000 (NUL)"
                : "contains an unpaired UTF-16 surrogate (U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT) + ")";
    }

    /** The violation message for a string value at {@code path}. */
    public static String valueFault(String path, CharSequence text) {
        return path + " " + fault(text) + ", which cannot be stored; send text without it";
    }
}
