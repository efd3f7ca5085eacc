package io.touchpoint.journey.execution.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Date-triggered journeys keep one wake-up per profile at the next moment its date attribute names
 * (in its own zone), moved whenever the attribute changes and cancelled when it no longer holds a
 * date or the moment has passed for good.
 */
public final class DateEntries {

    /** Wake-up kind; the key is {@code profileId \n journeyId}, so an erasure cancels them by prefix. */
    public static final String KIND = "journey-date";

    private DateEntries() {
    }

    public static String key(String profileId, String journeyId) {
        return profileId + '\n' + journeyId;
    }

    public static Optional<Instant> next(JourneyGraph graph, NodeStep.Subject subject, Instant now) {
        JourneyGraph.DateTrigger t = (JourneyGraph.DateTrigger) graph.trigger();
        ZoneId zone = Moments.zoneOf(subject.preferences(), subject.facts().traits(), graph.zone());
        Object value = t.attribute().read(subject.facts().traits(), subject.facts().computed());
        return Moments.dateMoment(value, t.anniversary(), t.offsetDays(), t.time(), zone, now).filter(at -> !at.isBefore(now));
    }

    /** The profile's wake-up at its next moment at or after {@code from}, or none. */
    public static Uni<Void> schedule(WakeupStore wakeups, SqlClient sql, ActiveJourneys.Published journey,
            NodeStep.Subject subject, Instant from) {
        String key = key(subject.facts().profileId(), journey.journeyId());
        Optional<Instant> next = next(journey.graph(), subject, from);
        return next.isPresent() ? wakeups.schedule(sql, KIND, key, next.get(), null)
                : wakeups.cancel(sql, KIND, key).replaceWithVoid();
    }
}
