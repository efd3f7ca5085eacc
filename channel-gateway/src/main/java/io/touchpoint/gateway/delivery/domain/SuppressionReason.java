package io.touchpoint.gateway.delivery.domain;

import java.util.Locale;

/** Why an address is on the suppression list. */
public enum SuppressionReason {
    UNSUBSCRIBED, HARD_BOUNCE, COMPLAINT, MANUAL;

    /**
     * An unsubscribe withdraws marketing only: receipts and password resets still reach the person.
     * A bounce, a complaint or a manual entry stops everything to the address.
     */
    public boolean blocksTransactional() {
        return this != UNSUBSCRIBED;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SuppressionReason of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
