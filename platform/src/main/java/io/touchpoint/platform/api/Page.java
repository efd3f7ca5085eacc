package io.touchpoint.platform.api;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one paging convention of every list route: {@code ?limit=&cursor=} in, {@code items} and
 * {@code nextCursor} out. {@code nextCursor} is absent on the last page; pass it back as
 * {@code cursor} for the next one. A cursor is opaque to callers.
 */
@RegisterForReflection
public record Page<T>(List<T> items, String nextCursor) {

    public static final String CURSOR = "cursor";
    public static final String LIMIT = "limit";
}
