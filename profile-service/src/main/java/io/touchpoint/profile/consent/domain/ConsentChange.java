package io.touchpoint.profile.consent.domain;

import java.time.Instant;
import java.util.Map;

import io.touchpoint.contracts.events.ConsentState;

/** One statement of consent for a channel and topic, with when, where from and the proof given. */
public record ConsentChange(String channel, String topic, ConsentState.Status status, boolean transactional,
        Instant at, String source, Map<String, Object> proof) {

    public ConsentState state() {
        return new ConsentState(channel, topic, status, transactional, at, source);
    }
}
