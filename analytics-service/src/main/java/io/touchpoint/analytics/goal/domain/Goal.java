package io.touchpoint.analytics.goal.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

import io.touchpoint.contracts.Problem;
import io.touchpoint.platform.api.InvalidRequestException;

/**
 * A conversion goal: which tracked events count (e.g. {@code Bet Placed}) and which of their
 * properties holds the revenue (e.g. {@code stake}), under a stable key that reports and
 * {@code ./touchpoint apply} name it by. Goals are read when a report runs, so a goal defined or
 * changed today counts past events too.
 */
public record Goal(String key, String name, String description, List<String> events, String revenueProperty,
        Instant createdAt, Instant updatedAt) {

    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final int MAX_EVENTS = 50;
    static final int MAX_TEXT = 200;

    /** A goal as a request defines it, checked: every problem at once, each naming its field. */
    public static Goal defined(String key, String name, String description, List<String> events, String revenueProperty) {
        List<Problem.Violation> problems = new ArrayList<>();
        if (key == null || !KEY.matcher(key).matches()) {
            problems.add(new Problem.Violation("key", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        if (name == null || name.isBlank() || name.length() > MAX_TEXT) {
            problems.add(new Problem.Violation("name", "is required, at most " + MAX_TEXT + " characters"));
        }
        if (description != null && description.length() > 2_000) {
            problems.add(new Problem.Violation("description", "must be at most 2000 characters"));
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        if (events == null || events.isEmpty() || events.size() > MAX_EVENTS) {
            problems.add(new Problem.Violation("events", "must name 1 to " + MAX_EVENTS + " event names"));
        } else {
            for (int i = 0; i < events.size(); i++) {
                String e = events.get(i);
                if (e == null || e.isBlank() || e.length() > MAX_TEXT) {
                    problems.add(new Problem.Violation("events[" + i + "]", "must be a non-blank event name of at most " + MAX_TEXT + " characters"));
                } else {
                    unique.add(e);
                }
            }
        }
        if (revenueProperty != null && (revenueProperty.isBlank() || revenueProperty.length() > MAX_TEXT)) {
            problems.add(new Problem.Violation("revenueProperty", "must be a property name of at most " + MAX_TEXT + " characters"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The goal is not valid.", problems);
        }
        return new Goal(key, name, description, List.copyOf(unique), revenueProperty, null, null);
    }

    /** Whether another definition says the same (names, events, revenue property). */
    public boolean sameDefinition(Goal o) {
        return name.equals(o.name) && java.util.Objects.equals(description, o.description) && events.equals(o.events)
                && java.util.Objects.equals(revenueProperty, o.revenueProperty);
    }
}
