package io.touchpoint.journey.execution.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.execution.domain.Broadcasts;
import io.touchpoint.platform.wakeup.Wakeup;
import io.touchpoint.platform.wakeup.WakeupHandler;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.vertx.mutiny.sqlclient.SqlClient;

/** A schedule's occurrence fell due: its walk over the audience starts. */
@ApplicationScoped
public class ScheduledWalks implements WakeupHandler {

    private final Clock clock;
    private final Broadcasts broadcasts;

    ScheduledWalks(Clock clock, Broadcasts broadcasts) {
        this.clock = clock;
        this.broadcasts = broadcasts;
    }

    @Override
    public String kind() {
        return Broadcasts.OCCURRENCE;
    }

    @Override
    public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
        return broadcasts.occurrence(sql, wakeup.key(), Broadcasts.occurrenceOf(wakeup.payload()), clock.instant());
    }

    /** The next page of a walk. */
    @ApplicationScoped
    public static class NextPage implements WakeupHandler {
        private final Clock clock;
        private final Broadcasts broadcasts;
        private final WakeupScheduler scheduler;

        NextPage(Clock clock, Broadcasts broadcasts, WakeupScheduler scheduler) {
            this.clock = clock;
            this.broadcasts = broadcasts;
            this.scheduler = scheduler;
        }

        @Override
        public String kind() {
            return Broadcasts.PAGE;
        }

        @Override
        public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
            List<Instant> dues = new ArrayList<>();
            return broadcasts.page(sql, wakeup.key(), clock.instant(), dues).invoke(() -> dues.forEach(scheduler::scheduled));
        }
    }
}
