package io.touchpoint.gateway.sms.domain;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The SMSC the gateway binds to over SMPP 3.4 (as a transceiver: it sends, and takes receipts and replies). */
@ConfigMapping(prefix = "touchpoint.gateway.sms")
public interface SmsConfig {

    /** The SMSC's host; unset: the gateway does not deliver SMS (the policy never chooses it). */
    Optional<String> host();

    @WithDefault("2775")
    int port();

    @WithDefault("touchpoint")
    String systemId();

    Optional<String> password();

    Optional<String> systemType();

    /** The sender shown on the handset: a number in E.164 form, or up to 11 letters and digits. */
    @WithDefault("Touchpoint")
    String source();

    /** How often the bound session is checked with enquire_link. */
    @WithDefault("PT30S")
    Duration enquireLink();

    /** How long a submit_sm waits for its response; past it the outcome is unknown. */
    @WithDefault("PT10S")
    Duration responseTimeout();

    /** The first wait before binding again after the session dropped or a bind failed; it doubles up to a minute. */
    @WithDefault("PT1S")
    Duration reconnectDelay();

    /**
     * Threads that take what the SMSC sends on the session: the responses to submits, and receipts
     * and replies, each of which holds its thread until recorded. With jsmpp's default of 3, a few
     * receipts waiting for their commit held up the responses the sends were waiting for.
     */
    @WithDefault("16")
    int inboundThreads();

    /**
     * What the SMSC sent that may wait for an inbound thread. Past it jsmpp answers a receipt with
     * a throttle, which the SMSC must send again later; jsmpp's default of 100 was reached when
     * receipts of 32 sends in flight came faster than their commits.
     */
    @WithDefault("2000")
    int inboundQueue();
}
