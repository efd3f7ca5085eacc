package io.touchpoint.platform.wakeup;

import java.time.Instant;

/**
 * Something that must happen at an instant: {@code kind} names the handler, {@code key} what it is
 * about (unique per kind; scheduling the same key again moves it), {@code payload} JSON text or null.
 */
public record Wakeup(long id, String kind, String key, Instant dueAt, String payload) {
}
