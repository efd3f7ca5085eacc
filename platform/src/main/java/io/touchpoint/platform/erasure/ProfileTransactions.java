package io.touchpoint.platform.erasure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * How a consumer handles a record about profiles: in one transaction, unless one of them was erased
 * after the record happened (in flight at the erasure, or replayed since: handling it would bring
 * them back), and again when a concurrent transaction got in the way. The work runs afresh on each
 * attempt, so what it collects for after the commit should be reset at its start.
 */
@ApplicationScoped
public class ProfileTransactions {

    private static final Logger LOG = Logger.getLogger(ProfileTransactions.class);
    private static final int ATTEMPTS = 3;

    private final Pool pool;
    private final ErasedIdentities erased;

    ProfileTransactions(Pool pool, ErasedIdentities erased) {
        this.pool = pool;
        this.erased = erased;
    }

    /** @return the work's answer, or {@code whenErased} when the record is about an erased profile */
    public <T> Uni<T> unlessErased(Collection<String> profileIds, Instant happenedAt, T whenErased,
            Function<SqlClient, Uni<T>> work) {
        var about = ErasedIdentities.profiles(profileIds);
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> erased.erasedAt(sql, about).chain(erasedAt -> {
            if (ErasedIdentities.stale(erasedAt, about, happenedAt)) {
                LOG.debugf("profiles %s were erased after this record happened (%s); it is dropped", profileIds, happenedAt);
                return Uni.createFrom().item(whenErased);
            }
            return work.apply(sql);
        }))).onFailure(Transactions::retryable).retry().atMost(ATTEMPTS);
    }

    /**
     * A batch of records in one transaction, one commit for all (a commit's flush is what a record
     * handled alone mostly waits for): each is handled unless its profile was erased after it
     * happened, and the answers come back in the records' order. The records of one profile are
     * handled one after another, in order; different profiles' records side by side, up to
     * {@link #SIDE_BY_SIDE} at once, their statements pipelined on the transaction's connection (one
     * after another, each batch waited for a round trip per statement). A failure rolls back the
     * whole batch; a retryable one runs it again from the start.
     */
    public <R, T> Uni<List<T>> eachUnlessErased(List<R> records, Function<R, String> profileOf, Function<R, Instant> happenedAt,
            T whenErased, BiFunction<SqlClient, R, Uni<T>> work) {
        return allUnlessErased(records, profileOf, happenedAt, whenErased,
                (sql, kept) -> Transactions.inOrderPerKey(kept, profileOf, SIDE_BY_SIDE, record -> work.apply(sql, record)));
    }

    /**
     * A batch of records in one transaction, handled together by set-based work: the records whose
     * profile was erased after they happened are left out, the work gets the others in their order and
     * answers one each, in that order; the answers come back in the records' order, {@code whenErased}
     * for those left out. A failure rolls back the whole batch; a retryable one runs it again.
     */
    public <R, T> Uni<List<T>> allUnlessErased(List<R> records, Function<R, String> profileOf, Function<R, Instant> happenedAt,
            T whenErased, BiFunction<SqlClient, List<R>, Uni<List<T>>> work) {
        var all = ErasedIdentities.profiles(records.stream().map(profileOf).distinct().toList());
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> erased.erasedAt(sql, all).chain(erasedAt -> {
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                R record = records.get(i);
                if (ErasedIdentities.stale(erasedAt, ErasedIdentities.profiles(List.of(profileOf.apply(record))),
                        happenedAt.apply(record))) {
                    LOG.debugf("profile %s was erased after this record happened (%s); it is dropped", profileOf.apply(record),
                            happenedAt.apply(record));
                } else {
                    kept.add(i);
                }
            }
            Uni<List<T>> done = kept.isEmpty() ? Uni.createFrom().item(List.of())
                    : work.apply(sql, kept.stream().map(records::get).toList());
            return done.map(answers -> {
                List<T> inOrder = new ArrayList<>(Collections.nCopies(records.size(), whenErased));
                for (int k = 0; k < kept.size(); k++) {
                    inOrder.set(kept.get(k), answers.get(k));
                }
                return inOrder;
            });
        }))).onFailure(Transactions::retryable).retry().atMost(ATTEMPTS);
    }

    /** Profiles handled at once in a batch's transaction. */
    static final int SIDE_BY_SIDE = 16;
}
