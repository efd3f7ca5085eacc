package io.touchpoint.analytics.conversion.domain;

import java.math.BigDecimal;
import java.util.List;

/**
 * Conversions credited to messages: for a period and a group (either null: over all periods, all
 * groups), how many goal events, by how many profiles, with how much revenue.
 */
public record AttributionRow(Integer period, List<String> group, long conversions, long converters, BigDecimal revenue) {
}
