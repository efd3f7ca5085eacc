package io.touchpoint.analytics.conversion.domain;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What the store answers for an attribution: the credited rows, the recipients per group (key
 * {@code null}: all), and the goal's events in the range that no message touched within the window.
 */
public record Attribution(List<AttributionRow> rows, Map<List<String>, Long> recipients, long unattributedConversions,
        long unattributedConverters, BigDecimal unattributedRevenue) {
}
