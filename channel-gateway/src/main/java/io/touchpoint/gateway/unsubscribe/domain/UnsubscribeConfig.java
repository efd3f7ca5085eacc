package io.touchpoint.gateway.unsubscribe.domain;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.unsubscribe")
public interface UnsubscribeConfig {

    /** Where recipients reach this gateway from their mail client: the unsubscribe links start with it (https in production). */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /**
     * A mailbox for mailto unsubscribes ({@code unsubscribe@example.com}), added to List-Unsubscribe
     * when set, with the link's token in the subject; the gateway reads it over IMAP ({@code imap})
     * and applies each valid token as the one-click link would.
     */
    Optional<String> mailto();

    Imap imap();

    /** How the mailto mailbox is read. */
    interface Imap {
        @WithDefault("localhost")
        String host();

        @WithDefault("143")
        int port();

        /** The login (default: the mailto address). */
        Optional<String> user();

        @WithDefault("unsubscribe")
        String password();

        @WithDefault("PT10S")
        Duration pollInterval();

        /** IMAPS (implicit TLS, usually port 993), the server's certificate checked; off for a local server. */
        @WithDefault("false")
        boolean tls();

        /** Hosts (space-separated) whose certificate is taken without checking it: a private server's own. */
        Optional<String> trust();
    }
}
