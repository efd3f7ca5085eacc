package io.touchpoint.gateway.webhook.domain;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a partner's receiver does with a call from Touchpoint (and what its tests run against):
 * the call is genuine when one of the {@code webhook-signature} entries ({@code v1,<base64>},
 * separated by spaces) is the HMAC-SHA256 under one of the receiver's secrets of
 * {@code "<webhook-id>.<webhook-timestamp>.<raw body>"}, compared in constant time; it is fresh when
 * {@code webhook-timestamp} (Unix seconds) lies within the tolerance of the receiver's clock either
 * way; and it is new when its {@code webhook-id} was not accepted before. A stale call is refused
 * whatever its signature, so ids need remembering only for the tolerance window: a replay of an
 * older call is stale. Touchpoint sends a delivery again (after a 500, a timeout) with the same
 * id, so a receiver that answered 2xx once refuses the repeat as a replay and acts once.
 * Thread-safe; the memory of ids is this instance's (a receiver with several replicas keeps it in
 * a shared store instead).
 */
public final class WebhookVerifier {

    /** Why a call was refused. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final List<byte[]> keys;
    private final Duration tolerance;
    private final Clock clock;
    private final Map<String, Instant> seen = new LinkedHashMap<>();

    /** @param secrets the receiver's secrets ({@code whsec_...}); during a rotation, the old and the new one */
    public WebhookVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        this.keys = secrets.stream().map(WebhookSignature::key).toList();
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** The Standard Webhooks default: five minutes either way. */
    public WebhookVerifier(List<String> secrets, Clock clock) {
        this(secrets, Duration.ofMinutes(5), clock);
    }

    /** Accepts the call (and remembers its id) or says why not. */
    public synchronized void verify(String id, String timestamp, String signatures, String body) throws Refused {
        if (id == null || id.isBlank() || timestamp == null || signatures == null || body == null) {
            throw new Refused("webhook-id, webhook-timestamp and webhook-signature are required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new Refused("webhook-timestamp is not Unix seconds: " + timestamp);
        }
        Instant now = clock.instant();
        Instant sent = Instant.ofEpochSecond(seconds);
        if (sent.isBefore(now.minus(tolerance)) || sent.isAfter(now.plus(tolerance))) {
            throw new Refused("stale: webhook-timestamp " + sent + " is more than " + tolerance + " from " + now);
        }
        if (!signed(id, seconds, signatures, body)) {
            throw new Refused("no signature matches");
        }
        forgetBefore(now.minus(tolerance));
        if (seen.containsKey(id)) {
            throw new Refused("replayed: webhook-id " + id + " was accepted before");
        }
        seen.put(id, sent);
    }

    private boolean signed(String id, long seconds, String signatures, String body) {
        String content = id + "." + seconds + "." + body;
        List<byte[]> expected = new ArrayList<>(keys.size());
        keys.forEach(k -> expected.add(WebhookSignature.mac(k, content)));
        for (String entry : signatures.strip().split("\\s+")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !WebhookSignature.VERSION.equals(entry.substring(0, comma))) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (byte[] mac : expected) {
                if (MessageDigest.isEqual(mac, given)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void forgetBefore(Instant oldest) {
        for (Iterator<Instant> at = seen.values().iterator(); at.hasNext();) {
            if (at.next().isBefore(oldest)) {
                at.remove();
            }
        }
    }
}
