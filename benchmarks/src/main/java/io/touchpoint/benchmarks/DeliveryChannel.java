package io.touchpoint.benchmarks;

import java.util.Map;

/**
 * The channel a delivery benchmark runs on: how its recipients are addressed and consent to it
 * (through the tracking API, as a site would), which column of the gateway's recipient projection
 * holds the address, the template its requests render, and where the sent messages are read back.
 */
enum DeliveryChannel {

    EMAIL("email", "email") {
        @Override
        String address(String prefix, int i) {
            return prefix + "-" + i + "@bench.touchpoint.local";
        }

        @Override
        String addressPrefix(String prefix) {
            return prefix + "-";
        }

        @Override
        String template() {
            return DeliveryBenchmark.TEMPLATE;
        }

        @Override
        String templateJson() {
            return DeliveryBenchmark.templateJson();
        }

        @Override
        String templateSays() {
            return "subject and HTML, the text part made by the gateway, an unsubscribe link";
        }

        @Override
        Inbox inbox(Map<String, String> env) {
            return new ImapInbox(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMTP_HOST"),
                    Integer.parseInt(Settings.require(env, "TOUCHPOINT_DEVSTACK_IMAP_PORT")));
        }
    },

    SMS("sms", "phone") {
        /**
         * {@code +3584} (a Finnish mobile range), four digits of the run's prefix and six of the
         * index: 14 digits, within E.164's 15. A run on a stack kept from an earlier one must not
         * reuse its numbers (profile-service merges profiles by phone, and the SMSC keeps every
         * message it took), so the run picks the stem; two runs share one only by a 1 in 10,000 hash
         * collision, which the report would show as messages not of this run.
         */
        @Override
        String address(String prefix, int i) {
            if (i >= 1_000_000) {
                throw new IllegalArgumentException("SMS recipients are numbered with six digits: at most 1,000,000");
            }
            return addressPrefix(prefix) + String.format("%06d", i);
        }

        @Override
        String addressPrefix(String prefix) {
            return "+3584" + String.format("%04d", Math.floorMod(prefix.hashCode(), 10_000));
        }

        @Override
        String template() {
            return "bench-sms";
        }

        /**
         * One GSM-7 segment (about 110 characters of the 160), so a crash cannot
         * leave half a message on the SMSC. It names its request ({@link SmscInbox#REFERENCE}): the
         * gateway puts nothing of the delivery into the submit_sm, and the SMSC's message id, its only
         * correlation, reaches the ledger only after the SMSC answered, which is exactly what a crash
         * loses.
         */
        @Override
        String templateJson() {
            return """
                    {"name": "Delivery fault test (SMS)", "defaultLocale": "en", "locales": {"en": {"sms": {
                      "text": "Hi {{ profile.firstName | default: 'you' }}, round {{ vars.round | default: 0 }} of the bench news. %s{{ vars.request }} Reply STOP to opt out."
                    }}}}""".formatted(SmscInbox.REFERENCE);
        }

        @Override
        String templateSays() {
            return "text only, one GSM-7 segment naming its request (`" + SmscInbox.REFERENCE + "<requestId>`)";
        }

        @Override
        Inbox inbox(Map<String, String> env) {
            int port = Integer.parseInt(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMSC_HTTP_PORT"));
            if (port <= 0) {
                throw new IllegalStateException("TOUCHPOINT_DEVSTACK_SMSC_HTTP_PORT is " + port
                        + ": the stack uses an external SMSC (SMPP_HOST), whose messages cannot be read back");
            }
            return new SmscInbox(Settings.require(env, "TOUCHPOINT_DEVSTACK_SMPP_HOST"), port);
        }

        @Override
        boolean receipts() {
            return true;
        }
    };

    /** The channel's name in requests and consent. */
    final String id;
    /** The trait that holds the address, which is also the recipient projection's column for it. */
    final String addressTrait;

    DeliveryChannel(String id, String addressTrait) {
        this.id = id;
        this.addressTrait = addressTrait;
    }

    /** Recipient {@code i}'s address: unique per prefix, so runs and phases never share a box. */
    abstract String address(String prefix, int i);

    /** What every address made with {@code prefix} starts with, and no other run's does. */
    abstract String addressPrefix(String prefix);

    /** The traits of recipient {@code i}'s identify (JSON members without braces): its address and a first name. */
    String identifyTraits(String prefix, int i) {
        return "\"" + addressTrait + "\":\"" + address(prefix, i) + "\",\"firstName\":\"Bench" + i + "\"";
    }

    /** The key of the template the requests render. */
    abstract String template();

    /** The template's draft as {@code PUT /v1/templates/{key}} takes it. */
    abstract String templateJson();

    /** What the template holds, for the report. */
    abstract String templateSays();

    abstract Inbox inbox(Map<String, String> env);

    /**
     * Whether the provider reports back after taking a message (an SMSC's delivery receipts): a sent
     * delivery then still turns delivered (or failed) after the send.
     */
    boolean receipts() {
        return false;
    }

    /** The column of the gateway's {@code recipient} table that holds this channel's address. */
    String addressColumn() {
        return addressTrait;
    }

    static DeliveryChannel of(String name) {
        for (DeliveryChannel c : values()) {
            if (c.id.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--channel=" + name + ": the delivery benchmarks know email and sms");
    }
}
