package io.touchpoint.analytics.conversion.domain;

import java.util.List;

import io.touchpoint.analytics.delivery.domain.Dimension;
import io.touchpoint.analytics.delivery.domain.MessageFilter;
import io.touchpoint.analytics.goal.domain.Goal;
import io.touchpoint.analytics.time.domain.TimeGrid;

/**
 * The goal's events in the grid's range, each credited to the last message that touched the profile
 * within {@code windowDays} before it (last touch), counted per period of the event and per group of
 * the credited message; recipients are the profiles sent a matching message in the range.
 */
public record AttributionQuery(TimeGrid grid, Goal goal, Touch touch, int windowDays, MessageFilter filter,
        List<Dimension> groupBy) {
}
