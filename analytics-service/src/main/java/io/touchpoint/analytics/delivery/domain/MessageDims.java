package io.touchpoint.analytics.delivery.domain;

/** What a message is counted under: its journey, node, template, channel and split arm ({@code ""} when none or not known). */
public record MessageDims(String journeyId, String nodeId, String templateId, String channel, String arm) {
}
