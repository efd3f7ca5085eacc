package io.touchpoint.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.ingest.domain.Fact;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * How every consumer applies a batch of records of one topic: in one transaction it claims the
 * partitions' progress rows, leaves out the records already applied (by offset) and those about a
 * profile erased after they happened (platform {@link ErasedIdentities}: a replay never brings an
 * erased person back), runs the topic's work on the rest, and moves the progress on. Retried whole
 * when a concurrent transaction got in the way.
 */
@ApplicationScoped
class FactTransactions {

    private static final Logger LOG = Logger.getLogger(FactTransactions.class);
    private static final int ATTEMPTS = 5;

    private final Pool pool;
    private final ProgressTable progress;
    private final ErasedIdentities erased;

    FactTransactions(Pool pool, ProgressTable progress, ErasedIdentities erased) {
        this.pool = pool;
        this.progress = progress;
        this.erased = erased;
    }

    /** The topic's work on the records left to apply, with what {@code prefetch} read for the whole batch. */
    interface Work<T, P> {
        Uni<Void> apply(SqlClient sql, List<Fact<T>> fresh, P prefetched);
    }

    <T> Uni<Void> apply(List<Fact<T>> facts, BiFunction<SqlClient, List<Fact<T>>, Uni<Void>> work) {
        return apply(facts, (sql, all) -> Uni.createFrom().nullItem(), (sql, fresh, nothing) -> work.apply(sql, fresh));
    }

    /**
     * As above, with a first step that reads (and locks) what the batch's records need before it is
     * known which of them are left to apply. It is sent together with the progress and erasure
     * reads, so a batch costs a few round trips to PostgreSQL whatever its work, which is what bounds
     * a consumer on a busy machine.
     */
    <T, P> Uni<Void> apply(List<Fact<T>> facts, BiFunction<SqlClient, List<Fact<T>>, Uni<P>> prefetch, Work<T, P> work) {
        if (facts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String topic = facts.get(0).topic();
        Set<Integer> partitions = new LinkedHashSet<>();
        Set<String> profiles = new LinkedHashSet<>();
        for (Fact<T> f : facts) {
            partitions.add(f.partition());
            if (f.profileId() != null) {
                profiles.add(f.profileId());
            }
        }
        return Uni.createFrom().deferred(() -> pool.withTransaction(sql -> Uni.combine().all()
                .unis(progress.claim(sql, topic, partitions), erased.erasedAt(sql, ErasedIdentities.profiles(profiles)),
                        prefetch.apply(sql, facts).map(java.util.Optional::ofNullable)).asTuple()
                .chain(read -> {
                    Map<Integer, Long> next = read.getItem1();
                    var erasedAt = read.getItem2();
                    List<Fact<T>> fresh = new ArrayList<>();
                    Map<Integer, ProgressTable.Advance> advances = new TreeMap<>();
                    for (Fact<T> f : facts) {
                        if (f.offset() < next.getOrDefault(f.partition(), 0L)) {
                            continue;
                        }
                        advances.merge(f.partition(), new ProgressTable.Advance(f.partition(), f.offset() + 1, f.at()),
                                (a, b) -> new ProgressTable.Advance(a.partition(), Math.max(a.nextOffset(), b.nextOffset()),
                                        later(a.newestAt(), b.newestAt())));
                        if (f.profileId() != null && !erasedAt.isEmpty()
                                && ErasedIdentities.stale(erasedAt, ErasedIdentities.profiles(List.of(f.profileId())), f.at())) {
                            LOG.debugf("%s %d/%d is about a profile erased since; dropped", topic, f.partition(), f.offset());
                            continue;
                        }
                        fresh.add(f);
                    }
                    Uni<Void> applied = fresh.isEmpty() ? Uni.createFrom().voidItem()
                            : work.apply(sql, fresh, read.getItem3().orElse(null));
                    return Uni.combine().all().unis(applied, progress.advance(sql, topic, List.copyOf(advances.values())))
                            .discardItems();
                })))
                .onFailure(Transactions::retryable).retry().atMost(ATTEMPTS);
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isAfter(a) ? a : b;
    }
}
