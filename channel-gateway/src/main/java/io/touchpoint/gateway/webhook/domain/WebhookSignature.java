package io.touchpoint.gateway.webhook.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures by the Standard Webhooks convention (standardwebhooks.com): a secret is
 * {@code whsec_} followed by the base64 of its key bytes; a call's signature is
 * {@code v1,<base64 of HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>}; during a secret
 * rotation the call carries one signature per valid secret, separated by spaces, and a receiver
 * accepts it when any of them is one of its own. Pure.
 */
public final class WebhookSignature {

    public static final String PREFIX = "whsec_";
    public static final String VERSION = "v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A new secret of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header's value for these secrets (the current one first). */
    public static String header(List<String> secrets, String id, long timestamp, String body) {
        List<String> signatures = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            signatures.add(sign(secret, id, timestamp, body));
        }
        return String.join(" ", signatures);
    }

    /** One signature: {@code v1,<base64>}. */
    public static String sign(String secret, String id, long timestamp, String body) {
        return VERSION + "," + Base64.getEncoder().encodeToString(mac(key(secret), id + "." + timestamp + "." + body));
    }

    static byte[] mac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always present", e);
        }
    }

    /** The key bytes of a {@code whsec_} secret (a secret without the prefix is read as base64 too). */
    static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
