package io.touchpoint.platform.store;

import java.util.List;
import java.util.function.Function;

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
