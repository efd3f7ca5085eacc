package io.touchpoint.gateway.bounce.domain;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.bounces")
public interface BounceConfig {

    /**
     * The mailbox bounces go to: the envelope sender (Return-Path) of every email, read over IMAP
     * with {@code host}, {@code port} and {@code password}. Unset: no bounce address is given and
     * none is read.
     */
    Optional<String> mailbox();

    @WithDefault("localhost")
    String host();

    @WithDefault("143")
    int port();

    @WithDefault("bounces")
    String password();

    @WithDefault("PT10S")
    Duration pollInterval();

    /** IMAPS (implicit TLS, usually port 993), the server's certificate checked; off for a local server. */
    @WithDefault("false")
    boolean tls();

    /** Hosts (space-separated) whose certificate is taken without checking it: a private server's own. */
    Optional<String> trust();

    /** How often a soft-bounced message is sent again before it counts as bounced for good. */
    @WithDefault("3")
    int softRetries();

    /** The wait before the first resend of a soft bounce; it doubles with each. */
    @WithDefault("PT15M")
    Duration softBackoff();
}
