package io.touchpoint.gateway.delivery.domain;

import java.util.Locale;

/** A ledger row's state; see V4__delivery.sql. */
public enum DeliveryState {
    QUEUED, SENDING, SENT, DELIVERED, FAILED, DEFERRED, SUPPRESSED, UNKNOWN, BOUNCED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryState of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
