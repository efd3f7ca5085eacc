package io.touchpoint.segmentation.membership.messaging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.domain.MembershipUpdater;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;

/**
 * Flips time-dependent memberships when they fall due. Every evaluation stores the instant its
 * answer next changes (a window edge, a relative date, an anniversary) in membership_due; this
 * timer reads the service's clock, so a test clock moved forward makes rows due at once, and
 * re-evaluates the due profiles through the normal transition and outbox path. The delay between
 * the instant and the flip is at most one poll interval (1 s by default) plus the work queued
 * before it; the transition records the instant the clock read when it was made.
 */
@ApplicationScoped
public class FlipTimer {

    private static final Logger LOG = Logger.getLogger(FlipTimer.class);
    private static final int PAGE = 200;
    /** A profile whose evaluation fails is retried after this, not every tick. */
    private static final Duration BACKOFF = Duration.ofMinutes(1);

    @Inject
    MembershipUpdater updater;
    @Inject
    Vertx vertx;

    @ConfigProperty(name = "touchpoint.segments.flip-poll-interval-ms", defaultValue = "1000")
    long intervalMs;

    private PeriodicWork work;

    void start(@Observes StartupEvent event) {
        work = PeriodicWork.every(vertx, intervalMs, this::flipDue, LOG, "flipping due memberships failed; the next tick retries");
    }

    void stop(@Observes ShutdownEvent event) {
        if (work != null) {
            work.cancel();
        }
    }

    /** Re-evaluates every profile due now, a page at a time; returns the transitions made. */
    public Uni<Integer> flipDue() {
        AtomicInteger transitions = new AtomicInteger();
        return page(transitions).map(v -> transitions.get());
    }

    private Uni<Void> page(AtomicInteger transitions) {
        return updater.dueProfiles(PAGE).chain(ids -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> flip(id).invoke(transitions::addAndGet))
                .collect().asList()
                // A full page may leave more due; a failed profile was postponed, so it is not met again.
                .chain(done -> ids.size() < PAGE ? Uni.createFrom().voidItem() : page(transitions)));
    }

    private Uni<Integer> flip(String profileId) {
        return updater.flipDue(profileId).onFailure().recoverWithUni(e -> {
            LOG.warnf(e, "timed re-evaluation of profile %s failed; retried in %s", profileId, BACKOFF);
            return updater.postponeDue(profileId, BACKOFF).replaceWith(0).onFailure().recoverWithItem(0);
        });
    }
}
