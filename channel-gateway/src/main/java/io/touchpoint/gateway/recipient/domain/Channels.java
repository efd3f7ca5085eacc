package io.touchpoint.gateway.recipient.domain;

/** The channel names profile-service uses in consent and channel order, and the gateway's webhook channel. */
public final class Channels {
    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    /**
     * Calls to a partner's system (a fulfilment partner's "ship"), not messages to the person: no
     * consent, suppression, cap or quiet hours of the profile applies, and it is never a fallback.
     */
    public static final String WEBHOOK = "webhook";

    private Channels() {
    }

    /** Whether messages on the channel reach the person (and so pass consent, caps and quiet hours). */
    public static boolean reachesPerson(String channel) {
        return !WEBHOOK.equals(channel);
    }
}
