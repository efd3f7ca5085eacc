package io.touchpoint.gateway.sms.domain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A text as the SMS segments it takes. GSM-7 (the GSM 03.38 default alphabet and its extension
 * table, as SMPP carries it: one septet per octet, data_coding 0) when every character is in it,
 * else UCS-2 (UTF-16BE, data_coding 8). One segment holds 160 septets or 70 UCS-2 units; a longer
 * text is cut into segments of 153 septets or 67 units, leaving room for the 6-octet concatenation
 * header (UDH), and never inside an escape pair (€, [, ...) or a surrogate pair (emoji). Pure.
 */
public record SmsSegments(Encoding encoding, List<byte[]> parts) {

    public enum Encoding {
        GSM7((byte) 0x00, 160, 153, "GSM-7"),
        UCS2((byte) 0x08, 70, 67, "UCS-2");

        private final byte dataCoding;
        private final int single;
        private final int concatenated;
        private final String label;

        Encoding(byte dataCoding, int single, int concatenated, String label) {
            this.dataCoding = dataCoding;
            this.single = single;
            this.concatenated = concatenated;
            this.label = label;
        }

        public byte dataCoding() {
            return dataCoding;
        }

        public String label() {
            return label;
        }
    }

    /** Concatenated messages carry the segment number in one octet. */
    public static final int MAX_SEGMENTS = 255;

    public SmsSegments {
        parts = List.copyOf(parts);
    }

    public int count() {
        return parts.size();
    }

    public static SmsSegments of(String text) {
        List<byte[]> units = gsm(text);
        if (units != null) {
            return new SmsSegments(Encoding.GSM7, cut(units, Encoding.GSM7));
        }
        List<byte[]> chars = new ArrayList<>();
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            chars.add(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_16BE));
            i += Character.charCount(cp);
        }
        return new SmsSegments(Encoding.UCS2, cut(chars, Encoding.UCS2));
    }

    /** The septets of each character (two for the extension table), or null when one is not in GSM 03.38. */
    private static List<byte[]> gsm(String text) {
        List<byte[]> septets = new ArrayList<>(text.length());
        for (int i = 0; i < text.length(); i++) {
            byte[] c = Gsm7.septets(text.charAt(i));
            if (c == null) {
                return null;
            }
            septets.add(c);
        }
        return septets;
    }

    /** A short message's text by its data_coding: GSM-7 (0, one septet per octet), Latin-1 (3), UCS-2 (8). */
    public static String decode(byte dataCoding, byte[] bytes) {
        return switch (dataCoding & 0xFF) {
            case 0x08 -> new String(bytes, StandardCharsets.UTF_16BE);
            case 0x03 -> new String(bytes, StandardCharsets.ISO_8859_1);
            default -> Gsm7.decode(bytes);
        };
    }

    /** Whole characters into segments; a unit is a septet for GSM-7 and a UTF-16 code unit (two octets) for UCS-2. */
    private static List<byte[]> cut(List<byte[]> chars, Encoding encoding) {
        int unitBytes = encoding == Encoding.GSM7 ? 1 : 2;
        int total = chars.stream().mapToInt(b -> b.length / unitBytes).sum();
        int room = total <= encoding.single ? encoding.single : encoding.concatenated;
        List<byte[]> parts = new ArrayList<>();
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        int used = 0;
        for (byte[] c : chars) {
            int units = c.length / unitBytes;
            if (used + units > room) {
                parts.add(part.toByteArray());
                part.reset();
                used = 0;
            }
            part.writeBytes(c);
            used += units;
        }
        parts.add(part.toByteArray());
        if (parts.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException("a text of " + parts.size() + " segments is longer than SMS allows ("
                    + MAX_SEGMENTS + ")");
        }
        return parts;
    }
}
