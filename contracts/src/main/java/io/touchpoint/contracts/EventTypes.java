package io.touchpoint.contracts;

/** CloudEvents {@code type} values, one per event record; the version suffix changes on breaking changes. */
public final class EventTypes {
    public static final String INTERACTION = "io.touchpoint.interaction.v1";
    public static final String PROFILE_CHANGED = "io.touchpoint.profile.changed.v1";
    public static final String SEGMENT_MEMBERSHIP_CHANGED = "io.touchpoint.segment.membership-changed.v1";
    public static final String MESSAGE_REQUESTED = "io.touchpoint.message.requested.v1";
    public static final String JOURNEY_EVENT = "io.touchpoint.journey.event.v1";
    public static final String DELIVERY = "io.touchpoint.message.delivery.v1";
    public static final String PROFILE_ERASURE_REQUESTED = "io.touchpoint.profile.erasure-requested.v1";

    private EventTypes() {
    }
}
