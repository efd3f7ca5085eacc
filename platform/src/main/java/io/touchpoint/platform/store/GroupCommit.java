package io.touchpoint.platform.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.time.CoalescedRuns;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Small writes that come one by one from many callers, committed together: what is submitted while
 * a transaction runs waits and goes into the next one, up to {@code maxGroup} items. Under load a
 * transaction (and a connection) per item, not the work, sets the pace; grouped, the statements of
 * a group are written together, in set-based statements, and one commit serves them all.
 * Each caller's Uni completes with its own item's answer once the transaction that wrote it has
 * committed. When a group fails, each of its items is written again in a transaction of its own,
 * so one bad item cannot take the others down with it; an item that fails alone fails its caller.
 *
 * @param <T> what is written
 * @param <A> what writing one item answers
 */
public final class GroupCommit<T, A> {

    /** The writes of a group in its transaction: one answer per item, in the items' order. */
    @FunctionalInterface
    public interface Writes<T, A> {
        Uni<List<A>> write(SqlClient sql, List<T> items);
    }

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final Pool pool;
    private final int maxGroup;
    private final Writes<T, A> writes;
    private final Queue<Waiting<T, A>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final CoalescedRuns runs;

    private record Waiting<T, A>(T item, CompletableFuture<A> written) {
    }

    public GroupCommit(Pool pool, int maxGroup, Writes<T, A> writes, String what) {
        this.pool = pool;
        this.maxGroup = maxGroup;
        this.writes = writes;
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
        return pool.withTransaction(sql -> writes.write(sql, items))
                .invoke(answers -> {
                    for (int i = 0; i < group.size(); i++) {
                        done(group.get(i)).complete(answers.get(i));
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(groupFailure -> Transactions.each(group, w -> pool
                        .withTransaction(sql -> writes.write(sql, List.of(w.item())).map(answers -> answers.get(0)))
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
