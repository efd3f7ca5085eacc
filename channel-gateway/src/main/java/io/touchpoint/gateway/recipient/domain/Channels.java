package io.touchpoint.gateway.recipient.domain;

/** The channel names profile-service uses in consent and channel order. */
public final class Channels {
    public static final String EMAIL = "email";
    public static final String SMS = "sms";

    private Channels() {
    }
}
