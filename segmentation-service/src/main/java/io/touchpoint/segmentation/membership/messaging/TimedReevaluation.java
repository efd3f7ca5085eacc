package io.touchpoint.segmentation.membership.messaging;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;
import io.touchpoint.segmentation.segment.domain.Condition;
import io.touchpoint.segmentation.segment.domain.Segment;
import io.touchpoint.segmentation.segment.store.SegmentStore;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Windows and dates move with the clock: "bet in the last 30 days" stops holding on day 31 with no
 * profile change to notice it. A periodic bulk pass re-evaluates the active segments whose rules
 * read time (and the segments built on them). Transitions are atomic, so two replicas sweeping at
 * once only cost work, never a duplicate event.
 */
@ApplicationScoped
public class TimedReevaluation {

    private static final Logger LOG = Logger.getLogger(TimedReevaluation.class);

    @Inject
    Pool pool;
    @Inject
    SegmentStore segments;
    @Inject
    MembershipUpdater updater;
    @Inject
    Vertx vertx;

    @ConfigProperty(name = "touchpoint.segments.timed-sweep-interval-ms", defaultValue = "900000")
    long intervalMs;

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long timer = -1;

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMs, id -> {
            if (running.compareAndSet(false, true)) {
                sweep().subscribe().with(n -> running.set(false), e -> {
                    LOG.warn("timed re-evaluation failed; the next sweep retries", e);
                    running.set(false);
                });
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Re-evaluates the time-dependent active segments over all profiles; returns the transitions made. */
    public Uni<Integer> sweep() {
        return pool.withConnection(segments::active).chain(active -> {
            Set<String> timed = active.stream().filter(s -> Condition.timeDependent(s.parsed())).map(Segment::id)
                    .collect(Collectors.toSet());
            return timed.isEmpty() ? Uni.createFrom().item(0) : updater.recompute(timed);
        }).invoke(n -> LOG.debugf("timed re-evaluation made %d transitions", n));
    }
}
