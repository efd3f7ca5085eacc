package io.touchpoint.platform.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Opaque keyset cursors: the sort key of a page's last item, URL-safe. A cursor a caller made up
 * or mangled is a 400 naming {@code cursor}, never a 500.
 */
public final class Cursor {

    private static final char SEPARATOR = '\n';

    private Cursor() {
    }

    public static String encode(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(String.valueOf(SEPARATOR), parts).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the cursor's {@code count} parts */
    public static List<String> decode(String cursor, int count) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                    .split(String.valueOf(SEPARATOR), -1);
            if (parts.length != count) {
                throw new IllegalArgumentException("wrong number of parts");
            }
            return List.of(parts);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.field(Page.CURSOR, "is not a cursor this API returned");
        }
    }
}
