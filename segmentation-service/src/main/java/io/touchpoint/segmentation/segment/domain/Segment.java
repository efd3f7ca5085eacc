package io.touchpoint.segmentation.segment.domain;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.touchpoint.conditions.Condition;

/** A stored segment definition; {@code condition} is the JSON as written, {@code parsed} its typed form. */
public record Segment(String id, String name, String description, List<String> tags, State state, Object condition,
        Condition parsed, Set<String> dependsOn, long version, Instant createdAt, Instant updatedAt) {

    public enum State {
        DRAFT, ACTIVE, ARCHIVED;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean active() {
        return state == State.ACTIVE;
    }
}
