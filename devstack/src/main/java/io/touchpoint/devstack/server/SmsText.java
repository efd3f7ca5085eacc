package io.touchpoint.devstack.server;

import java.nio.charset.StandardCharsets;

/**
 * How the SMSC reads a short message's bytes by its data_coding: 0 the GSM 03.38 default alphabet
 * (one septet per octet, unpacked, as SMPP carries it; 0x1B escapes to the extension table), 3
 * Latin-1, 8 UCS-2 (UTF-16BE). Written apart from the gateway's encoder on purpose: the SMSC is the
 * other side of the protocol, so a mistake in one shows up as a wrong text in tests.
 */
final class SmsText {

    /** GSM 03.38 basic table, index = septet value. */
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private SmsText() {
    }

    static String decode(byte dataCoding, byte[] bytes) {
        return switch (dataCoding & 0xFF) {
            case 0x08 -> new String(bytes, StandardCharsets.UTF_16BE);
            case 0x03 -> new String(bytes, StandardCharsets.ISO_8859_1);
            default -> gsm(bytes);
        };
    }

    static String encoding(byte dataCoding) {
        return switch (dataCoding & 0xFF) {
            case 0x08 -> "UCS-2";
            case 0x03 -> "Latin-1";
            default -> "GSM-7";
        };
    }

    private static String gsm(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int s = septets[i] & 0x7F;
            if (s == 0x1B && i + 1 < septets.length) {
                text.append(extension(septets[++i] & 0x7F));
            } else {
                text.append(BASIC.charAt(s));
            }
        }
        return text.toString();
    }

    private static char extension(int s) {
        return switch (s) {
            case 0x0A -> '\f';
            case 0x14 -> '^';
            case 0x28 -> '{';
            case 0x29 -> '}';
            case 0x2F -> '\\';
            case 0x3C -> '[';
            case 0x3D -> '~';
            case 0x3E -> ']';
            case 0x40 -> '|';
            case 0x65 -> '€';
            default -> ' ';
        };
    }

    /** The MO side: text a phone sends, as GSM-7 septets when it fits the basic table, else UCS-2. */
    static Encoded encode(String text) {
        byte[] septets = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int at = BASIC.indexOf(text.charAt(i));
            if (at < 0 || at == 0x1B) {
                return new Encoded((byte) 0x08, text.getBytes(StandardCharsets.UTF_16BE));
            }
            septets[i] = (byte) at;
        }
        return new Encoded((byte) 0x00, septets);
    }

    record Encoded(byte dataCoding, byte[] bytes) {
    }
}
