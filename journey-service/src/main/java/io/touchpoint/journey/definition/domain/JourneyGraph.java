package io.touchpoint.journey.definition.domain;

import java.time.Duration;
import java.util.Map;

import io.touchpoint.conditions.Condition;

/**
 * A validated journey version: what enters it, and its nodes by id. Only {@link JourneyParser}
 * makes one, so the runner never meets a dangling edge or a bad duration.
 */
public record JourneyGraph(String name, Trigger trigger, Condition audience, Trigger exitOn, Entry entry, String start,
        Map<String, Node> nodes) {

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

    /**
     * Entry, or with {@code exitOn} the end of every instance of the profile, interrupting its wait: a
     * tracked event on the resolved profile, by name and property filter (the shared condition language).
     */
    public record Trigger(String event, Condition match) {
    }

    public sealed interface Node {
        String id();
    }

    /** Asks the gateway for one message; the gateway applies consent and the sending policy. */
    public record Send(String id, String template, String channel, String topic, boolean transactional, String next)
            implements Node {
    }

    /** Waits a duration on the service's clock (a durable wake-up: any length, costs one row). */
    public record Wait(String id, Duration duration, String next) implements Node {
    }

    public record Exit(String id) implements Node {
    }

    public Node node(String id) {
        return nodes.get(id);
    }
}
