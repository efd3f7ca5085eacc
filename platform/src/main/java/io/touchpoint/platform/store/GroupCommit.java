package io.touchpoint.platform.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.time.CoalescedRuns;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Small writes that come one by one from many callers, committed together: what is submitted while
 * a transaction runs waits and goes into the next one, up to {@code maxGroup} items. Under load a
 * transaction (and a connection) per item, not the work, sets the pace; grouped, the statements of
 * up to {@code sideBySide} keys are pipelined on one connection and one commit serves them all.
 * Each caller's Uni completes with its own item's answer once the transaction that wrote it has
 * committed. When a group fails, each of its items is written again in a transaction of its own,
 * so one bad item cannot take the others down with it; an item that fails alone fails its caller.
 *
 * @param <T> what is written
 * @param <A> what writing one item answers
 */
public final class GroupCommit<T, A> {

    /** The writes of one item in the group's transaction. */
    @FunctionalInterface
    public interface Step<T, A> {
        Uni<A> write(SqlClient sql, T item);
    }

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final Pool pool;
    private final int maxGroup;
    private final int sideBySide;
    private final Function<T, String> keyOf;
    private final BiFunction<SqlClient, List<T>, Uni<Void>> first;
    private final Step<T, A> step;
    private final Queue<Waiting<T, A>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final CoalescedRuns runs;

    private record Waiting<T, A>(T item, CompletableFuture<A> written) {
    }

    /**
     * @param keyOf items of one key are written one after another, in the order submitted; other keys side by side
     * @param first run once per transaction before any item's step (locks the whole group takes, in one order), or null
     */
    public GroupCommit(Pool pool, int maxGroup, int sideBySide, Function<T, String> keyOf,
            BiFunction<SqlClient, List<T>, Uni<Void>> first, Step<T, A> step, String what) {
        this.pool = pool;
        this.maxGroup = maxGroup;
        this.sideBySide = sideBySide;
        this.keyOf = keyOf;
        this.first = first == null ? (sql, items) -> Uni.createFrom().voidItem() : first;
        this.step = step;
        this.runs = new CoalescedRuns(this::commitWaiting, failure -> LOG.errorf(failure, "writing %s failed", what));
    }

    /** Completes once the item is committed, with its answer. */
    public Uni<A> submit(T item) {
        CompletableFuture<A> written = new CompletableFuture<>();
        pending.incrementAndGet();
        waiting.add(new Waiting<>(item, written));
        runs.request();
        return Uni.createFrom().completionStage(written);
    }

    /** Items submitted and not committed (or failed) yet. */
    public int pending() {
        return pending.get();
    }

    private Uni<Void> commitWaiting() {
        List<Waiting<T, A>> group = new ArrayList<>();
        for (Waiting<T, A> w = waiting.poll(); w != null; w = waiting.poll()) {
            group.add(w);
            if (group.size() == maxGroup) {
                break;
            }
        }
        if (group.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<T> items = group.stream().map(Waiting::item).toList();
        return pool.withTransaction(sql -> first.apply(sql, items)
                .chain(() -> Transactions.inOrderPerKey(group, w -> keyOf.apply(w.item()), sideBySide, w -> step.write(sql, w.item()))))
                .invoke(answers -> {
                    for (int i = 0; i < group.size(); i++) {
                        done(group.get(i)).complete(answers.get(i));
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(groupFailure -> Transactions.each(group, w -> pool
                        .withTransaction(sql -> first.apply(sql, List.of(w.item())).chain(() -> step.write(sql, w.item())))
                        .onItemOrFailure().invoke((answer, failure) -> {
                            if (failure == null) {
                                done(w).complete(answer);
                            } else {
                                done(w).completeExceptionally(failure);
                            }
                        })
                        .onFailure().recoverWithNull()))
                .chain(() -> waiting.isEmpty() ? Uni.createFrom().voidItem() : commitWaiting());
    }

    private CompletableFuture<A> done(Waiting<T, A> w) {
        pending.decrementAndGet();
        return w.written();
    }
}
