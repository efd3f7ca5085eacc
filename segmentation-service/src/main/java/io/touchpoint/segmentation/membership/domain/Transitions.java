package io.touchpoint.segmentation.membership.domain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one transaction changed, collected while it runs and acted on only after it commits: the
 * profiles whose cached memberships are stale, and how much each segment grew or shrank.
 */
public final class Transitions {

    private final Set<String> profiles = new HashSet<>();
    private final Map<String, Long> sizeDeltas = new HashMap<>();

    void record(String segmentId, String profileId, boolean entered) {
        profiles.add(profileId);
        sizeDeltas.merge(segmentId, entered ? 1L : -1L, Long::sum);
    }

    public Set<String> profiles() {
        return profiles;
    }

    /** Segment id to its net change in size; segments with no net change are left out. */
    public Map<String, Long> sizeDeltas() {
        Map<String, Long> out = new HashMap<>(sizeDeltas);
        out.values().removeIf(d -> d == 0);
        return out;
    }

    public boolean isEmpty() {
        return profiles.isEmpty();
    }

    /** A retried transaction starts over: what the failed attempt collected never happened. */
    public void clear() {
        profiles.clear();
        sizeDeltas.clear();
    }

    public void addAll(Transitions other) {
        profiles.addAll(other.profiles);
        other.sizeDeltas.forEach((k, v) -> sizeDeltas.merge(k, v, Long::sum));
    }
}
