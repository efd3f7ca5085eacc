package io.touchpoint.segmentation.membership.messaging;

import java.util.LinkedHashSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.segmentation.membership.domain.BulkPass;
import io.touchpoint.segmentation.membership.store.ComputationStore;
import io.touchpoint.platform.time.PeriodicWork;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Finishes bulk passes nobody is running any more: the process that ran one crashed or stopped
 * (its lease lapsed), or the pass failed and waits for another attempt. A pass is resumed after
 * the last page it committed, by whichever replica claims it first; one at a time per process.
 */
@ApplicationScoped
public class ComputationResumer {

    private static final Logger LOG = Logger.getLogger(ComputationResumer.class);

    @Inject
    ComputationStore computations;
    @Inject
    BulkPass bulk;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;

    @ConfigProperty(name = "touchpoint.segments.computation-resume-interval-ms", defaultValue = "10000")
    long intervalMs;

    private PeriodicWork work;

    void start(@Observes StartupEvent event) {
        work = PeriodicWork.every(vertx, intervalMs, this::resumeLapsed, LOG, "resuming lapsed bulk passes failed; the next tick retries");
    }

    void stop(@Observes ShutdownEvent event) {
        if (work != null) {
            work.cancel();
        }
    }

    /** Claims and runs lapsed passes until none is left; returns how many it resumed. */
    public Uni<Integer> resumeLapsed() {
        return resumeLapsed(0);
    }

    private Uni<Integer> resumeLapsed(int sofar) {
        return pool.withTransaction(computations::claimLapsed).chain(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(sofar);
            }
            var c = claimed.get();
            LOG.infof("resuming bulk pass %s for %s after profile %s (attempt %d)", c.id(), c.segmentIds(), c.cursor(),
                    c.attempts());
            return bulk.run(c.id(), new LinkedHashSet<>(c.segmentIds()), c.cursor())
                    .onFailure().recoverWithItem(0)
                    .chain(() -> resumeLapsed(sofar + 1));
        });
    }
}
