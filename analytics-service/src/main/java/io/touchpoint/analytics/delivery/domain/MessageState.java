package io.touchpoint.analytics.delivery.domain;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import io.touchpoint.analytics.ingest.domain.Instants;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;

/**
 * One message as the facts about it say so far: where it belongs (journey, node, template, channel,
 * arm), when it was requested, when each {@link Metric} first happened and how often. Every change is
 * a minimum, a sum or a fill-in, so the state is the same whatever order its records arrive in; a
 * message's rollup contribution is a function of this state alone ({@link #contribution}).
 */
public final class MessageState {

    private final String requestId;
    private String profileId;
    private String journeyId = "";
    private String nodeId = "";
    private String templateId = "";
    private String channel = "";
    private String topic;
    private String arm = "";
    private Instant requestedAt;
    private String suppressedReason;
    private final Instant[] first = new Instant[Metric.all().size()];
    private final int[] count = new int[Metric.all().size()];

    public MessageState(String requestId) {
        this.requestId = Objects.requireNonNull(requestId);
    }

    /** A stored message, exactly as read. */
    public static MessageState stored(String requestId, String profileId, String journeyId, String nodeId, String templateId,
            String channel, String topic, String arm, Instant requestedAt, String suppressedReason, Instant[] first, int[] count) {
        MessageState s = new MessageState(requestId);
        s.profileId = profileId;
        s.journeyId = journeyId;
        s.nodeId = nodeId;
        s.templateId = templateId;
        s.channel = channel;
        s.topic = topic;
        s.arm = arm;
        s.requestedAt = requestedAt;
        s.suppressedReason = suppressedReason;
        System.arraycopy(first, 0, s.first, 0, first.length);
        System.arraycopy(count, 0, s.count, 0, count.length);
        return s;
    }

    public MessageState copy() {
        return stored(requestId, profileId, journeyId, nodeId, templateId, channel, topic, arm, requestedAt,
                suppressedReason, first, count);
    }

    /** A delivery event seen for the first time (deduplicated by its id before it gets here). */
    public void apply(DeliveryEvent e) {
        profileId = fill(profileId, e.profileId());
        journeyId = fillText(journeyId, e.journeyId());
        templateId = fillText(templateId, e.templateId());
        if (e.channel() != null && !e.channel().isBlank()) {
            // Events of one message are ordered on their partition: the latest says where it went. It
            // overrides the request's channel, which may leave the choice to the gateway.
            channel = e.channel();
        }
        Instant at = Instants.micros(e.at());
        for (Metric m : Metric.of(e.status(), e.reason())) {
            int i = m.ordinal();
            if (m == Metric.SUPPRESSED && (first[i] == null || at.isBefore(first[i]))) {
                suppressedReason = e.reason() == null ? "" : e.reason();
            }
            first[i] = min(first[i], at);
            count[i]++;
        }
    }

    /** The journey's request for the message: its node, topic and the instant it was asked for. */
    public void apply(MessageRequested r) {
        profileId = fill(profileId, r.profileId());
        journeyId = fillText(journeyId, r.journeyId());
        nodeId = fillText(nodeId, r.stepId());
        templateId = fillText(templateId, r.templateId());
        channel = fillText(channel, r.channel());
        topic = fill(topic, r.topic());
        requestedAt = min(requestedAt, Instants.micros(r.requestedAt()));
    }

    /**
     * The arm is the one of the latest split the profile passed in the message's journey at or
     * before the message (see {@code Assignments}).
     */
    public void arm(String arm) {
        this.arm = arm == null ? "" : arm;
    }

    /** The instant an arm is looked up for: when the message was requested, else its anchor. */
    public Instant reference() {
        return requestedAt != null ? requestedAt : anchor();
    }

    /**
     * The instant the message is counted at: when it was sent; else (suppressed, failed, not sent yet)
     * the earliest thing that happened to it; else when it was requested.
     */
    public Instant anchor() {
        Instant sent = first[Metric.SENT.ordinal()];
        if (sent != null) {
            return sent;
        }
        Instant earliest = null;
        for (Instant at : first) {
            earliest = min(earliest, at);
        }
        return earliest != null ? earliest : requestedAt;
    }

    public MessageDims dims() {
        return new MessageDims(journeyId, nodeId, templateId, channel, arm);
    }

    /** What the message adds to the rollups: nothing until something dates it. */
    public Contribution contribution() {
        Instant anchor = anchor();
        if (anchor == null) {
            return null;
        }
        long[] values = new long[MessageRollups.WIDTH];
        values[0] = requestedAt != null ? 1 : 0;
        for (Metric m : Metric.all()) {
            values[1 + 2 * m.ordinal()] = first[m.ordinal()] != null ? 1 : 0;
            values[2 + 2 * m.ordinal()] = count[m.ordinal()];
        }
        String reason = first[Metric.SUPPRESSED.ordinal()] != null ? (suppressedReason == null ? "" : suppressedReason) : null;
        return new Contribution(anchor, dims(), values, reason);
    }

    /** A message's share of the rollups: one row's worth of values, and its suppression reason if suppressed. */
    public record Contribution(Instant anchor, MessageDims dims, long[] values, String suppressedReason) {
    }

    public String requestId() {
        return requestId;
    }

    public String profileId() {
        return profileId;
    }

    public String journeyId() {
        return journeyId;
    }

    public String nodeId() {
        return nodeId;
    }

    public String templateId() {
        return templateId;
    }

    public String channel() {
        return channel;
    }

    public String topic() {
        return topic;
    }

    public String arm() {
        return arm;
    }

    public Instant requestedAt() {
        return requestedAt;
    }

    public String suppressedReason() {
        return suppressedReason;
    }

    public Instant first(Metric m) {
        return first[m.ordinal()];
    }

    public int count(Metric m) {
        return count[m.ordinal()];
    }

    /** Whether storing this state would change the stored row it was read as. */
    public boolean sameAs(MessageState o) {
        return Objects.equals(profileId, o.profileId) && journeyId.equals(o.journeyId) && nodeId.equals(o.nodeId)
                && templateId.equals(o.templateId) && channel.equals(o.channel) && Objects.equals(topic, o.topic)
                && arm.equals(o.arm) && Objects.equals(requestedAt, o.requestedAt)
                && Objects.equals(suppressedReason, o.suppressedReason) && Arrays.equals(first, o.first)
                && Arrays.equals(count, o.count);
    }

    private static String fill(String current, String value) {
        return current != null ? current : value;
    }

    private static String fillText(String current, String value) {
        return current.isEmpty() && value != null ? value : current;
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isBefore(a) ? a : b;
    }
}
