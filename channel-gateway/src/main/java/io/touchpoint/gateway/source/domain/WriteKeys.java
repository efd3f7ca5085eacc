package io.touchpoint.gateway.source.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Write keys are bearer secrets that SDKs embed in apps and web pages. 192 random bits make them
 * unguessable, so an unsalted SHA-256 is enough to keep the stored form useless to a thief while
 * still allowing lookup by hash.
 */
public final class WriteKeys {

    /** Recognizable in logs and secret scanners; not part of the secret. */
    public static final String PREFIX = "tpk_";
    /** What an operator sees in lists: enough to tell keys apart, far too little to use one. */
    public static final int DISPLAY_PREFIX_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private WriteKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String writeKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(writeKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static String displayPrefix(String writeKey) {
        return writeKey.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, writeKey.length()));
    }
}
