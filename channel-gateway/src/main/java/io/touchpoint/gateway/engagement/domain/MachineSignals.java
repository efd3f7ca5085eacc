package io.touchpoint.gateway.engagement.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether an open or a click was made by a machine rather than the person: Apple Mail Privacy
 * Protection fetches every image as soon as the mail arrives, with the bare user agent
 * {@code Mozilla/5.0}; corporate link scanners (Safe Links, Mimecast, Proofpoint, Barracuda...) follow
 * every link within seconds of delivery, often with HEAD or an HTTP library's agent. Such events are
 * still counted, but flagged, so open and click rates can leave them out. Gmail's image proxy
 * fetches when the person opens, so it counts as human. Pure.
 *
 * @param window an open or click this soon after sending is a machine's (no person reads that fast)
 */
public record MachineSignals(Duration window) {

    /** Agents of scanners, previewers and HTTP libraries (lower case substrings). */
    private static final List<String> AGENTS = List.of("barracuda", "mimecast", "proofpoint", "symantec", "messagelabs",
            "trendmicro", "trend micro", "forcepoint", "fireeye", "sophos", "cisco", "ironport", "bitdefender", "zscaler",
            "safelinks", "crawler", "spider", "slurp", "headless", "python-", "go-http-client", "java/", "curl/", "wget",
            "java-http-client", "apache-httpclient", "okhttp", "libwww", "scrapy", "facebookexternalhit", "whatsapp", "preview");
    /**
     * Robots name themselves {@code Googlebot/2.1}, {@code Slackbot-LinkExpanding}, {@code compatible; bot}: "bot" then a
     * version, a dash or a separator, or alone; a phone such as a {@code CUBOT X30} is a person.
     */
    private static final Pattern ROBOT = Pattern.compile("bot[/;)-]|\\bbot\\b");

    /** @return the signal that names the event a machine's, empty for a person's */
    public Optional<String> of(EngagementToken.Kind kind, String method, String userAgent, Instant sentAt, Instant now) {
        String agent = userAgent == null ? "" : userAgent.strip();
        if (kind == EngagementToken.Kind.CLICK && "HEAD".equalsIgnoreCase(method)) {
            return Optional.of("head-request");
        }
        if (agent.isEmpty()) {
            return Optional.of("no-user-agent");
        }
        if (kind == EngagementToken.Kind.OPEN && agent.equals("Mozilla/5.0")) {
            return Optional.of("mail-privacy-proxy");
        }
        String lower = agent.toLowerCase(Locale.ROOT);
        if (ROBOT.matcher(lower).find() || AGENTS.stream().anyMatch(lower::contains)) {
            return Optional.of("scanner-agent");
        }
        if (now.isBefore(sentAt.plus(window))) {
            return Optional.of("too-soon-after-sending");
        }
        return Optional.empty();
    }
}
