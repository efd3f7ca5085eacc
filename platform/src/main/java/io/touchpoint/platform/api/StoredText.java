package io.touchpoint.platform.api;

import java.util.Set;

/** What PostgreSQL's text type cannot hold: NUL, and UTF-16 surrogates that pair with nothing. */
public final class StoredText {

    /** invalid byte sequence (22021) and untranslatable character (22P05): how PostgreSQL refuses NUL. */
    static final Set<String> UNSTORABLE_STATES = Set.of("22021", "22P05");
    static final String UNSTORABLE = "The request holds a NUL character or an unpaired surrogate, which cannot be stored.";

    private StoredText() {
    }

    /** @return the index of the first character text cannot store, or -1 */
    public static int firstUnstorable(CharSequence text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static boolean storable(CharSequence text) {
        return firstUnstorable(text) < 0;
    }
}
