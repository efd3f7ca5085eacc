package io.touchpoint.analytics.delivery.domain;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The funnel counts of a set of messages: how many were requested, for each metric how many messages
 * it happened to (unique) and how often (total), and the suppressed ones by reason. Adds up across
 * periods and groups, since each message is counted once, at its send time, under its own dimensions.
 */
public final class FunnelCounts {

    private final long[] values = new long[MessageRollups.WIDTH];
    private final Map<String, Long> suppressedByReason = new TreeMap<>();

    public void add(long[] row) {
        for (int i = 0; i < values.length; i++) {
            values[i] += row[i];
        }
    }

    public void addSuppressed(String reason, long messages) {
        suppressedByReason.merge(reason, messages, Long::sum);
    }

    public void add(FunnelCounts other) {
        add(other.values);
        other.suppressedByReason.forEach(this::addSuppressed);
    }

    public long requested() {
        return values[0];
    }

    public long unique(Metric m) {
        return values[1 + 2 * m.ordinal()];
    }

    public long total(Metric m) {
        return values[2 + 2 * m.ordinal()];
    }

    public Map<String, Long> suppressedByReason() {
        return suppressedByReason;
    }

    /** A rate, always with what it divides: unique messages over unique messages. */
    public record Rate(String name, Metric numerator, Metric denominator) {
    }

    /** Every rate is over messages sent, except click-to-open (human clicks over human opens). */
    public static final List<Rate> RATES = List.of(
            new Rate("deliveryRate", Metric.DELIVERED, Metric.SENT),
            new Rate("openRate", Metric.OPENED, Metric.SENT),
            new Rate("humanOpenRate", Metric.OPENED_HUMAN, Metric.SENT),
            new Rate("clickRate", Metric.CLICKED, Metric.SENT),
            new Rate("humanClickRate", Metric.CLICKED_HUMAN, Metric.SENT),
            new Rate("clickToOpenRate", Metric.CLICKED_HUMAN, Metric.OPENED_HUMAN),
            new Rate("unsubscribeRate", Metric.UNSUBSCRIBED, Metric.SENT),
            new Rate("bounceRate", Metric.BOUNCED, Metric.SENT),
            new Rate("complaintRate", Metric.COMPLAINED, Metric.SENT));
}
