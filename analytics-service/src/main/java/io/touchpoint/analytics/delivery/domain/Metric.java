package io.touchpoint.analytics.delivery.domain;

import java.util.List;

import io.touchpoint.contracts.events.DeliveryEvent;

/**
 * What can happen to a message, as the funnel counts it: per message, whether it happened (unique)
 * and how often (total). Opens and clicks count twice: as all, and as human when the gateway did not
 * mark them {@code machine} (a mail-privacy proxy, a link scanner).
 */
public enum Metric {
    SENT("sent", "sent"),
    DELIVERED("delivered", "delivered"),
    OPENED("opened", "opened"),
    OPENED_HUMAN("opened_human", "openedHuman"),
    CLICKED("clicked", "clicked"),
    CLICKED_HUMAN("clicked_human", "clickedHuman"),
    UNSUBSCRIBED("unsubscribed", "unsubscribed"),
    BOUNCED("bounced", "bounced"),
    COMPLAINED("complained", "complained"),
    SUPPRESSED("suppressed", "suppressed"),
    FAILED("failed", "failed"),
    UNKNOWN("unknown", "unknown");

    public static final String MACHINE = "machine";
    private static final List<Metric> ALL = List.of(values());

    private final String column;
    private final String field;

    Metric(String column, String field) {
        this.column = column;
        this.field = field;
    }

    /** Its column stem in the message and rollup tables. */
    public String column() {
        return column;
    }

    /** Its name in reports. */
    public String field() {
        return field;
    }

    public static List<Metric> all() {
        return ALL;
    }

    /** What a delivery event counts as; DEFERRED counts as nothing (the message is still on its way). */
    public static List<Metric> of(DeliveryEvent.Status status, String reason) {
        boolean machine = MACHINE.equals(reason);
        return switch (status) {
            case SENT -> List.of(SENT);
            case DELIVERED -> List.of(DELIVERED);
            case OPENED -> machine ? List.of(OPENED) : List.of(OPENED, OPENED_HUMAN);
            case CLICKED -> machine ? List.of(CLICKED) : List.of(CLICKED, CLICKED_HUMAN);
            case UNSUBSCRIBED -> List.of(UNSUBSCRIBED);
            case BOUNCED -> List.of(BOUNCED);
            case COMPLAINED -> List.of(COMPLAINED);
            case SUPPRESSED -> List.of(SUPPRESSED);
            case FAILED -> List.of(FAILED);
            case UNKNOWN -> List.of(UNKNOWN);
            case DEFERRED -> List.of();
        };
    }
}
