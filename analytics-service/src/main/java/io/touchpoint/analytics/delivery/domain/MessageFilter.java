package io.touchpoint.analytics.delivery.domain;

import java.util.EnumMap;
import java.util.Map;

/** The messages a report covers: each given dimension must equal its value ({@code ""} names "none", e.g. no arm). */
public record MessageFilter(Map<Dimension, String> values) {

    public MessageFilter {
        values = values.isEmpty() ? Map.of() : new EnumMap<>(values);
    }

    public static MessageFilter none() {
        return new MessageFilter(Map.of());
    }

    public String journeyId() {
        return values.get(Dimension.JOURNEY);
    }
}
