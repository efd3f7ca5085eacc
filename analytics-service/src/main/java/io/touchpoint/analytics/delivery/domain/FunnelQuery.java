package io.touchpoint.analytics.delivery.domain;

import java.util.List;

import io.touchpoint.analytics.time.domain.TimeGrid;

/** A message funnel: the messages the filter selects, counted at their send time per period of the grid and per group. */
public record FunnelQuery(TimeGrid grid, MessageFilter filter, List<Dimension> groupBy) {
}
