package io.touchpoint.analytics.delivery.domain;

import java.util.List;

/** What the store answers for one period and group: the summed rollup values, or one suppression reason's count. */
public record FunnelRow(int period, List<String> group, long[] values, String suppressedReason, long suppressed) {
}
