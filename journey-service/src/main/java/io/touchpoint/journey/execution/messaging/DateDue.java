package io.touchpoint.journey.execution.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.execution.domain.ActiveJourneys;
import io.touchpoint.journey.execution.domain.DateEntries;
import io.touchpoint.journey.execution.domain.JourneyEntries;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.touchpoint.platform.wakeup.Wakeup;
import io.touchpoint.platform.wakeup.WakeupHandler;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A profile's date moment arrived (a birthday three days ahead, a year since registration): it
 * enters the journey once per moment, and an anniversary schedules the next.
 */
@ApplicationScoped
public class DateDue implements WakeupHandler {

    private final Clock clock;
    private final ActiveJourneys journeys;
    private final ProfileFactStore profiles;
    private final JourneyEntries entries;
    private final WakeupStore wakeups;
    private final WakeupScheduler scheduler;

    DateDue(Clock clock, ActiveJourneys journeys, ProfileFactStore profiles, JourneyEntries entries, WakeupStore wakeups,
            WakeupScheduler scheduler) {
        this.clock = clock;
        this.journeys = journeys;
        this.profiles = profiles;
        this.entries = entries;
        this.wakeups = wakeups;
        this.scheduler = scheduler;
    }

    @Override
    public String kind() {
        return DateEntries.KIND;
    }

    @Override
    public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
        Instant now = clock.instant();
        int cut = wakeup.key().indexOf('\n');
        String profileId = wakeup.key().substring(0, cut);
        String journeyId = wakeup.key().substring(cut + 1);
        return journeys.current(sql, journeyId).chain(journey -> journey.isEmpty() ? Uni.createFrom().voidItem()
                : profiles.load(sql, profileId).chain(subject -> subject.isEmpty() ? Uni.createFrom().voidItem()
                        : entries.enter(sql, journey.get(), subject.get(), "date\n" + wakeup.dueAt(),
                                Map.of("date", wakeup.dueAt().toString()), null, now, scheduler::scheduled)
                                .chain(() -> DateEntries.schedule(wakeups, sql, journey.get(), subject.get(),
                                        wakeup.dueAt().plusSeconds(1)))));
    }
}
