package io.touchpoint.gateway.sms.domain;

/** The GSM 03.38 default alphabet and its extension table, one septet per octet as SMPP carries them. */
final class Gsm7 {

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENDED = "\f^{}\\[~]|€";
    private static final byte[] EXTENDED_CODES = { 0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65 };
    private static final byte ESCAPE = 0x1B;

    private Gsm7() {
    }

    /** The character's septets (two for the extension table), or null when it is not in GSM 03.38. */
    static byte[] septets(char c) {
        int basic = c == ESCAPE ? -1 : BASIC.indexOf(c);
        if (basic >= 0) {
            return new byte[] { (byte) basic };
        }
        int extended = EXTENDED.indexOf(c);
        return extended < 0 ? null : new byte[] { ESCAPE, EXTENDED_CODES[extended] };
    }

    static String decode(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int s = septets[i] & 0x7F;
            if (s == ESCAPE && i + 1 < septets.length) {
                int code = septets[++i] & 0x7F;
                char c = ' ';
                for (int e = 0; e < EXTENDED_CODES.length; e++) {
                    if (EXTENDED_CODES[e] == code) {
                        c = EXTENDED.charAt(e);
                    }
                }
                text.append(c);
            } else {
                text.append(BASIC.charAt(s));
            }
        }
        return text.toString();
    }
}
