package io.touchpoint.journey.definition.domain;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.touchpoint.conditions.Condition;

/**
 * A validated journey version: what enters it, what ends it, and its nodes by id. Only
 * {@link JourneyParser} makes one, so the runner never meets a dangling edge or a bad duration.
 * {@code zone} is the journey's time zone, used where a recipient has none.
 */
public record JourneyGraph(String name, Trigger trigger, Condition audience, List<ExitCriterion> exits, Goal goal,
        Entry entry, ZoneId zone, String start, Map<String, Node> nodes) {

    /**
     * Who may enter again: {@code key} names the trigger property that tells instances apart (an
     * order id: one instance in progress per order); {@code reentry} says whether a profile that
     * was in the journey under that key may enter again: never, always (once the last instance
     * ended), or once {@code cooldown} has passed since it last entered.
     */
    public record Entry(String key, Reentry reentry, Duration cooldown) {
        public static final Entry DEFAULT = new Entry(null, Reentry.NEVER, null);
    }

    public enum Reentry {
        NEVER, ALWAYS, AFTER_COOLDOWN
    }

    /** What enters a profile. */
    public sealed interface Trigger {
    }

    /** A tracked event on the resolved profile, by name and property filter (the shared condition language). */
    public record EventTrigger(String event, Condition match) implements Trigger {
    }

    /** The profile entered ({@code entered}) or left a segment. */
    public record SegmentTrigger(String segmentId, boolean entered) implements Trigger {
    }

    /** Only {@code POST /v1/journeys/{id}/entries} enters anyone. */
    public record ApiTrigger() implements Trigger {
    }

    /**
     * Everyone the audience admits, at each occurrence of a schedule: once at {@code at}, or every
     * day, week (on {@code days}) or month (on {@code dayOfMonth}) at {@code time}, from {@code from}.
     * With {@code recipientTime} an occurrence is that local time in each recipient's own zone.
     */
    public record ScheduleTrigger(LocalDateTime at, Repeat every, Set<DayOfWeek> days, int dayOfMonth, LocalTime time,
            boolean recipientTime) implements Trigger {
    }

    public enum Repeat {
        DAY, WEEK, MONTH
    }

    /** {@code offsetDays} before (negative) or after a date attribute, or its yearly anniversary, at a local time. */
    public record DateTrigger(DateAttribute attribute, boolean anniversary, int offsetDays, LocalTime time)
            implements Trigger {
    }

    /** A trait or computed attribute holding a date or an instant. */
    public record DateAttribute(boolean computed, String name) {
        public Object read(Map<String, Object> traits, Map<String, Object> computedValues) {
            Map<String, Object> values = computed ? computedValues : traits;
            return values == null ? null : values.get(name);
        }
    }

    /** What ends an instance at once, whatever it waits for. */
    public sealed interface ExitCriterion {
    }

    /** A tracked event (name and property filter, which may compare with the entry payload). */
    public record ExitOnEvent(String event, Condition match) implements ExitCriterion {
    }

    /** The profile left a segment. */
    public record ExitOnSegmentLeft(String segmentId) implements ExitCriterion {
    }

    /** The profile's state, after any change, meets a condition. */
    public record ExitWhen(Condition condition) implements ExitCriterion {
    }

    /** A conversion: the event within {@code within} of entry counts once per instance, and ends it if {@code exit}. */
    public record Goal(String event, Condition match, Duration within, boolean exit) {
    }

    public sealed interface Node {
        String id();

        /** Every node this one can go on to. */
        List<String> edges();

        /** Whether the instance stops here until a moment or an event (a cycle must pass one). */
        default boolean waits() {
            return false;
        }
    }

    /** Asks the gateway for one message; the gateway applies consent and the sending policy. */
    public record Send(String id, String template, String channel, String topic, boolean transactional,
            Map<String, Object> variables, String next) implements Node {
        public List<String> edges() {
            return List.of(next);
        }
    }

    /** Waits a duration on the service's clock (a durable wake-up: any length, costs one row). */
    public record Wait(String id, Duration duration, String next) implements Node {
        public List<String> edges() {
            return List.of(next);
        }

        public boolean waits() {
            return true;
        }
    }

    /**
     * Waits until the next {@code time} (on one of {@code days}, if any) in the recipient's zone; or,
     * with {@code date}, until that attribute plus {@code offsetDays} (its next anniversary when
     * {@code anniversary}) at {@code time}. A date in the past goes on at once; a missing one goes
     * to {@code missing} (or on, when there is none).
     */
    public record WaitUntil(String id, LocalTime time, Set<DayOfWeek> days, DateAttribute date, boolean anniversary,
            int offsetDays, String next, String missing) implements Node {
        public List<String> edges() {
            return missing == null ? List.of(next) : List.of(next, missing);
        }

        public boolean waits() {
            return true;
        }
    }

    /**
     * Waits for an event matched by a condition that may compare with the entry payload
     * ({@code orderId == entry.orderId}): {@code next} when it arrives, {@code timeoutNext} after
     * {@code timeout}, or at the instant the entry payload's {@code untilProperty} names.
     */
    public record WaitForEvent(String id, String event, Condition match, Duration timeout, String untilProperty,
            String next, String timeoutNext) implements Node {
        public List<String> edges() {
            return List.of(next, timeoutNext);
        }

        public boolean waits() {
            return true;
        }
    }

    /** The first branch whose condition holds, else {@code otherwise}. */
    public record Branch(String id, List<Path> paths, String otherwise) implements Node {
        public List<String> edges() {
            List<String> all = new java.util.ArrayList<>(paths.stream().map(Path::next).toList());
            all.add(otherwise);
            return all;
        }
    }

    public record Path(String name, Condition when, String next) {
    }

    /** Sticky per profile: arms by percentage; the rest of 100 is a holdout that exits (and is counted). */
    public record Split(String id, List<Arm> arms, int holdout) implements Node {
        public List<String> edges() {
            return arms.stream().map(Arm::next).toList();
        }
    }

    public record Arm(String name, int percent, String next) {
    }

    /** Sets traits on the profile: an identify from the journey source, applied by profile-service like any call. */
    public record UpdateTraits(String id, Map<String, Object> traits, String next) implements Node {
        public List<String> edges() {
            return List.of(next);
        }
    }

    public record Exit(String id) implements Node {
        public List<String> edges() {
            return List.of();
        }
    }

    public Node node(String id) {
        return nodes.get(id);
    }

    /** Event names this version reacts to in instances already in it (waits for events, goal). */
    public Set<String> awaitedEvents() {
        Set<String> names = new java.util.HashSet<>();
        nodes.values().stream().filter(n -> n instanceof WaitForEvent).forEach(n -> names.add(((WaitForEvent) n).event()));
        if (goal != null) {
            names.add(goal.event());
        }
        return names;
    }
}
