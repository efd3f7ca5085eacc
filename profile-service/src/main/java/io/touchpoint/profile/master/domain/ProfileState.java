package io.touchpoint.profile.master.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The master profile as one unit of work sees it: loaded, changed in memory by the domain rules,
 * written back. {@link #changed()} collects what changed so the change event can name it.
 */
public final class ProfileState {

    /** When and from which source a trait (or preference) got its current value. */
    public record TraitMeta(Instant at, String source) {
    }

    private final String id;
    private long version;
    private final Map<String, Object> traits;
    private final Map<String, TraitMeta> traitMeta;
    private final Map<String, Object> preferences;
    private final Map<String, Object> computed;
    private Instant firstSeen;
    private Instant lastSeen;
    private final Instant createdAt;
    private final Set<String> changed = new TreeSet<>();

    public ProfileState(String id, long version, Map<String, Object> traits, Map<String, TraitMeta> traitMeta,
            Map<String, Object> preferences, Map<String, Object> computed, Instant firstSeen, Instant lastSeen,
            Instant createdAt) {
        this.id = id;
        this.version = version;
        this.traits = new LinkedHashMap<>(traits);
        this.traitMeta = new LinkedHashMap<>(traitMeta);
        this.preferences = new LinkedHashMap<>(preferences);
        this.computed = new LinkedHashMap<>(computed);
        this.firstSeen = firstSeen;
        this.lastSeen = lastSeen;
        this.createdAt = createdAt;
    }

    public static ProfileState created(String id, Instant now) {
        ProfileState state = new ProfileState(id, 0, Map.of(), Map.of(), Map.of(), Map.of(), null, null, now);
        state.changed.add("created");
        return state;
    }

    /**
     * Sets a trait unless a newer value is already known: the latest event time wins, so a late
     * event never overwrites a newer value. A null value unsets the trait (Segment semantics).
     */
    public boolean setTrait(String name, Object value, Instant at, String source) {
        return setTimed(traits, "traits.", name, name, value, at, source);
    }

    public boolean setPreference(String name, Object value, Instant at, String source) {
        return setTimed(preferences, "preferences.", name, "preferences." + name, value, at, source);
    }

    private boolean setTimed(Map<String, Object> target, String changePrefix, String name, String metaKey, Object value,
            Instant at, String source) {
        TraitMeta meta = traitMeta.get(metaKey);
        if (meta != null && at.isBefore(meta.at())) {
            return false;
        }
        boolean same = Objects.equals(normalise(target.get(name)), normalise(value));
        traitMeta.put(metaKey, new TraitMeta(at, source));
        if (same) {
            return false;
        }
        if (value == null) {
            target.remove(name);
        } else {
            target.put(name, value);
        }
        changed.add(changePrefix + name);
        return true;
    }

    /** JSON numbers come back as Integer, Long or Double; compare them by value. */
    private static Object normalise(Object v) {
        return v instanceof Number n ? n.doubleValue() : v;
    }

    public void seen(Instant at) {
        if (firstSeen == null || at.isBefore(firstSeen)) {
            firstSeen = at;
            changed.add("firstSeen");
        }
        if (lastSeen == null || at.isAfter(lastSeen)) {
            lastSeen = at;
            changed.add("lastSeen");
        }
    }

    public void putComputed(String name, Object value) {
        if (!Objects.equals(normalise(computed.get(name)), normalise(value))) {
            computed.put(name, value);
            changed.add("computed." + name);
        }
    }

    public void removeComputed(String name) {
        if (computed.remove(name) != null) {
            changed.add("computed." + name);
        }
    }

    public void markChanged(String what) {
        changed.add(what);
    }

    /** Called once the change is written: the next write must see a higher version. */
    public long nextVersion() {
        return ++version;
    }

    public String id() {
        return id;
    }

    public long version() {
        return version;
    }

    public Map<String, Object> traits() {
        return traits;
    }

    public Map<String, TraitMeta> traitMeta() {
        return traitMeta;
    }

    public Map<String, Object> preferences() {
        return preferences;
    }

    public Map<String, Object> computed() {
        return computed;
    }

    public Instant firstSeen() {
        return firstSeen;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Set<String> changed() {
        return changed;
    }

    public boolean hasChanges() {
        return !changed.isEmpty();
    }
}
