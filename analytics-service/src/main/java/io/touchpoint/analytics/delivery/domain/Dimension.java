package io.touchpoint.analytics.delivery.domain;

import java.util.Locale;
import java.util.Optional;

/** What message reports filter and group by. */
public enum Dimension {
    JOURNEY("journeyId", "journey_id"),
    NODE("nodeId", "node_id"),
    TEMPLATE("templateId", "template_id"),
    CHANNEL("channel", "channel"),
    ARM("arm", "arm");

    private final String field;
    private final String column;

    Dimension(String field, String column) {
        this.field = field;
        this.column = column;
    }

    /** Its name in requests (filters) and answers. */
    public String field() {
        return field;
    }

    public String column() {
        return column;
    }

    /** Its name in {@code groupBy}: {@code journey}, {@code node}, {@code template}, {@code channel}, {@code arm}. */
    public String groupName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Dimension> byGroupName(String name) {
        for (Dimension d : values()) {
            if (d.groupName().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public String of(MessageDims dims) {
        return switch (this) {
            case JOURNEY -> dims.journeyId();
            case NODE -> dims.nodeId();
            case TEMPLATE -> dims.templateId();
            case CHANNEL -> dims.channel();
            case ARM -> dims.arm();
        };
    }
}
