package io.touchpoint.gateway.delivery.domain;

/**
 * Why a message was not sent on a channel, deferred, or not sent at all: recorded with every
 * decision and carried by the delivery event, so nobody has to guess why a customer got nothing.
 */
public enum Reason {
    /** No marketing consent for the channel and topic (or only a transactional one). */
    NO_CONSENT("no-consent"),
    /** The consent for the channel and topic was denied or withdrawn. */
    CONSENT_WITHDRAWN("consent-withdrawn"),
    /** The address is on the suppression list (unsubscribed, hard-bounced, complained, manual). */
    SUPPRESSION_LIST("suppression-list"),
    NO_ADDRESS("no-address"),
    INVALID_ADDRESS("invalid-address"),
    /** The recipient already got as many marketing messages on the channel as the cap allows. */
    FREQUENCY_CAP("frequency-cap"),
    /** The gateway cannot deliver on the channel. */
    CHANNEL_UNSUPPORTED("channel-unsupported"),
    /** Within the recipient's quiet hours: deferred to their end. */
    QUIET_HOURS("quiet-hours"),
    /** The gateway has not heard of the profile yet (its change may still be on the way): retried. */
    RECIPIENT_UNKNOWN("recipient-unknown"),
    /** The message waited past its time to live and was dropped. */
    EXPIRED("ttl-expired"),
    /** The template is missing, or could not be rendered for the recipient. */
    RENDER_FAILED("render-failed"),
    /** The provider refused the message or could not be reached. */
    PROVIDER_FAILED("provider-failed"),
    /** The recipient's server refused the sent message for good (a DSN with a 5.x.x status): the address is suppressed. */
    HARD_BOUNCE("hard-bounce"),
    /** The recipient's server gave up on the sent message for now (4.x.x): sent again after a backoff, a few times. */
    SOFT_BOUNCE("soft-bounce"),
    /** The recipient reported the sent message as spam or fraud (an ARF feedback report): the address is suppressed. */
    COMPLAINT("complaint"),
    /** The process stopped between recording "sending" and the provider's answer: it may or may not have gone out. */
    OUTCOME_UNKNOWN("outcome-unknown"),
    /** The provider asked to be called again later (a webhook's 5xx or 429, an SMSC throttling): sent again after a backoff. */
    PROVIDER_RETRY("provider-retry"),
    /** The provider kept asking to be called later until the retry window closed: dead-lettered. */
    RETRIES_EXHAUSTED("retries-exhausted"),
    /** The provider took the message but reported it not delivered (an SMS receipt UNDELIV, EXPIRED, REJECTD...). */
    UNDELIVERED("undelivered"),
    /** On OPENED and CLICKED: made by a mail-privacy proxy or a link scanner, not by the person. */
    MACHINE("machine");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
