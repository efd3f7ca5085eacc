package io.touchpoint.benchmarks;

import java.util.Map;

/**
 * The channel a delivery benchmark runs on: how its recipients are addressed and consent to it
 * (through the tracking API, as a site would), which column of the gateway's recipient projection
 * holds the address, and where the sent messages are read back. Email only so far; SMS (an SMSC)
 * is a constant more.
 */
enum DeliveryChannel {

    EMAIL("email") {
        @Override
        String address(String prefix, int i) {
            return prefix + "-" + i + "@bench.touchpoint.local";
        }

        @Override
        String identifyTraits(String prefix, int i) {
            return "\"email\":\"" + address(prefix, i) + "\",\"firstName\":\"Bench" + i + "\"";
        }

        @Override
        Inbox inbox(Map<String, String> env) {
            return new ImapInbox(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMTP_HOST"),
                    Integer.parseInt(Settings.require(env, "TOUCHPOINT_DEVSTACK_IMAP_PORT")));
        }
    };

    /** The channel's name in requests, consent and the recipient projection's address column. */
    final String id;

    DeliveryChannel(String id) {
        this.id = id;
    }

    /** Recipient {@code i}'s address: unique per prefix, so runs and phases never share a box. */
    abstract String address(String prefix, int i);

    /** The traits of recipient {@code i}'s identify (JSON members without braces): its address and a first name. */
    abstract String identifyTraits(String prefix, int i);

    abstract Inbox inbox(Map<String, String> env);

    /** The column of the gateway's {@code recipient} table that holds this channel's address. */
    String addressColumn() {
        return id;
    }

    static DeliveryChannel of(String name) {
        for (DeliveryChannel c : values()) {
            if (c.id.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--channel=" + name + ": only email is built into the delivery benchmarks so far");
    }
}
