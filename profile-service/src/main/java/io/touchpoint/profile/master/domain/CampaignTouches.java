package io.touchpoint.profile.master.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.platform.attribution.Touch;
import io.touchpoint.platform.attribution.TrafficSources;

/**
 * A profile's first touch and latest campaign as flat computed attributes segments can test
 * ({@code firstTouchChannel}, {@code latestTouchTerm}, ...), from each interaction's page context:
 * Segment's {@code context.campaign}, the UTM parameters of {@code context.page.url} (a page call's
 * {@code properties.url}) and the referrer, classified by the platform's {@link TrafficSources}.
 *
 * <p>The first touch is the earliest interaction that says where its visit came from, a direct
 * one included; the latest is the newest that is not direct (a visit typed in or bookmarked does
 * not erase the campaign that brought the person), as analytics tools attribute "last non-direct
 * click". Each is a group written whole: its parts all come from the same interaction. Both are a
 * minimum or maximum over event time, so the order interactions arrive in does not matter.
 */
final class CampaignTouches {

    static final String FIRST = "firstTouch";
    static final String LATEST = "latestTouch";
    /** The parts of a group, each named with the group's prefix ({@code firstTouchSource}); {@code At} is its instant. */
    static final List<String> PARTS = List.of("At", "Channel", "Source", "Medium", "Campaign", "Term", "Content", "Referrer",
            "Page");

    private CampaignTouches() {
    }

    /** The names of every attribute this class writes, for the condition language's list. */
    static List<String> attributeNames() {
        return List.of(FIRST, LATEST).stream().flatMap(group -> PARTS.stream().map(part -> group + part)).toList();
    }

    static void apply(ProfileState state, Interaction interaction) {
        Touch touch = touchOf(interaction);
        if (touch == null || interaction.timestamp() == null) {
            return;
        }
        Instant at = interaction.timestamp();
        if (earlier(at, state.computed().get(FIRST + "At"))) {
            write(state, FIRST, at, touch);
        }
        if (!touch.direct() && later(at, state.computed().get(LATEST + "At"))) {
            write(state, LATEST, at, touch);
        }
    }

    /** A merge: the earlier first touch and the later latest touch of the two profiles. */
    static void mergeInto(ProfileState survivor, ProfileState loser) {
        Map<String, Object> theirs = loser.computed();
        if (theirs.get(FIRST + "At") instanceof String s && earlier(Instant.parse(s), survivor.computed().get(FIRST + "At"))) {
            copy(survivor, theirs, FIRST);
        }
        if (theirs.get(LATEST + "At") instanceof String s && later(Instant.parse(s), survivor.computed().get(LATEST + "At"))) {
            copy(survivor, theirs, LATEST);
        }
    }

    static Touch touchOf(Interaction i) {
        Map<String, Object> context = i.context() == null ? Map.of() : i.context();
        Map<?, ?> page = context.get("page") instanceof Map<?, ?> p ? p : Map.of();
        Map<String, Object> properties = i.properties() == null ? Map.of() : i.properties();
        boolean pageCall = Interaction.PAGE.equals(i.type());
        String url = text(page.get("url"), pageCall ? properties.get("url") : null);
        String referrer = text(page.get("referrer"), pageCall ? properties.get("referrer") : null);
        @SuppressWarnings("unchecked")
        Map<String, ?> campaign = context.get("campaign") instanceof Map<?, ?> c ? (Map<String, ?>) c : null;
        return TrafficSources.classify(url, referrer, campaign);
    }

    private static String text(Object first, Object second) {
        if (first instanceof String s && !s.isBlank()) {
            return s;
        }
        return second instanceof String s && !s.isBlank() ? s : null;
    }

    private static void write(ProfileState state, String group, Instant at, Touch touch) {
        Map<String, Object> parts = touch.asMap();
        state.putComputed(group + "At", at.toString());
        for (String part : PARTS.subList(1, PARTS.size())) {
            Object value = parts.get(Character.toLowerCase(part.charAt(0)) + part.substring(1));
            if (value == null) {
                state.removeComputed(group + part);
            } else {
                state.putComputed(group + part, value);
            }
        }
    }

    private static void copy(ProfileState survivor, Map<String, Object> from, String group) {
        for (String part : PARTS) {
            Object value = from.get(group + part);
            if (value == null) {
                survivor.removeComputed(group + part);
            } else {
                survivor.putComputed(group + part, value);
            }
        }
    }

    private static boolean earlier(Instant at, Object current) {
        return !(current instanceof String s) || at.isBefore(Instant.parse(s));
    }

    private static boolean later(Instant at, Object current) {
        return !(current instanceof String s) || at.isAfter(Instant.parse(s));
    }
}
