package io.touchpoint.platform.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/** Small helpers for chains of SQL steps. */
public final class Transactions {

    private Transactions() {
    }

    /** Runs {@code step} for each item, one after the other, in order. */
    public static <T> Uni<Void> each(List<T> items, Function<T, Uni<?>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (T item : items) {
            chain = chain.chain(() -> step.apply(item)).replaceWithVoid();
        }
        return chain;
    }

    /**
     * Runs {@code step} for each item: the items of one key one after another, in order; different
     * keys' items side by side, up to {@code sideBySide} keys at once. On one transaction's
     * connection their statements are pipelined, so a batch waits about a round trip per statement
     * of its longest key, not per statement of every item. The answers come back in the items' order.
     */
    public static <T, A> Uni<List<A>> inOrderPerKey(List<T> items, Function<T, String> keyOf, int sideBySide,
            Function<T, Uni<A>> step) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            byKey.computeIfAbsent(keyOf.apply(items.get(i)), k -> new ArrayList<>()).add(i);
        }
        List<A> answers = new ArrayList<>(Collections.nCopies(items.size(), null));
        return Multi.createFrom().iterable(byKey.values())
                .onItem().transformToUni(indexes -> Multi.createFrom().iterable(indexes)
                        .onItem().transformToUniAndConcatenate(i -> step.apply(items.get(i)).invoke(a -> answers.set(i, a)))
                        .collect().asList())
                .merge(sideBySide)
                .collect().asList().map(done -> answers);
    }

    /**
     * Failures a retry of the whole transaction can cure: a concurrent transaction claimed the same
     * identifier or row (unique violation), a deadlock, or a serialization failure.
     */
    public static boolean retryable(Throwable failure) {
        if (failure instanceof ConcurrentChange) {
            return true;
        }
        if (failure instanceof PgException pg) {
            String state = pg.getSqlState();
            return "23505".equals(state) || "40P01".equals(state) || "40001".equals(state);
        }
        return false;
    }

    /** Thrown inside a transaction when what it read was changed by another one before it could lock it. */
    public static final class ConcurrentChange extends RuntimeException {
        public ConcurrentChange(String message) {
            super(message, null, false, false);
        }
    }
}
