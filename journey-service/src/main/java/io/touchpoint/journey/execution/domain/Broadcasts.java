package io.touchpoint.journey.execution.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.conditions.Condition;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Walks every known profile for a journey, a page per wake-up so no transaction grows with the
 * audience and a restart resumes where the last page committed: at each occurrence of a schedule
 * (entering everyone the audience admits, in their own local time if the schedule says so), and
 * once when a date-triggered journey is published (giving each profile its date wake-up).
 */
@ApplicationScoped
public class Broadcasts {

    private static final Logger LOG = Logger.getLogger(Broadcasts.class);
    /** The next occurrence of a journey's schedule; the key is the journey id. */
    public static final String OCCURRENCE = "journey-schedule";
    /** The next page of a walk; the key is {@code journeyId \n occurrence}. */
    public static final String PAGE = "journey-broadcast";
    static final String DATE_SCAN = "dates";
    private static final int PAGE_SIZE = 500;
    private static final int IN_FLIGHT = 16;

    private final ActiveJourneys journeys;
    private final ProfileFactStore profiles;
    private final JourneyEntries entries;
    private final WakeupStore wakeups;
    private final WakeupScheduler scheduler;

    Broadcasts(ActiveJourneys journeys, ProfileFactStore profiles, JourneyEntries entries, WakeupStore wakeups,
            WakeupScheduler scheduler) {
        this.journeys = journeys;
        this.profiles = profiles;
        this.entries = entries;
        this.wakeups = wakeups;
        this.scheduler = scheduler;
    }

    /** On publishing or resuming: the schedule's next occurrence, or the date walk. */
    public Uni<Void> published(SqlClient sql, String journeyId, JourneyGraph graph, Instant now) {
        if (graph.trigger() instanceof JourneyGraph.ScheduleTrigger s) {
            return nextOccurrence(sql, journeyId, graph, s, now);
        }
        if (graph.trigger() instanceof JourneyGraph.DateTrigger) {
            return start(sql, journeyId, DATE_SCAN + '@' + now, now);
        }
        return wakeups.cancel(sql, OCCURRENCE, journeyId).replaceWithVoid();
    }

    private Uni<Void> nextOccurrence(SqlClient sql, String journeyId, JourneyGraph graph, JourneyGraph.ScheduleTrigger s,
            Instant now) {
        // Occurrences are local date-times; in recipient time the first zone to reach one starts it.
        LocalDateTime after = s.recipientTime() ? now.atOffset(java.time.ZoneOffset.ofHours(14)).toLocalDateTime()
                : now.atZone(graph.zone()).toLocalDateTime();
        Optional<LocalDateTime> next = Moments.nextOccurrence(s, after.minusNanos(1));
        if (next.isEmpty()) {
            return wakeups.cancel(sql, OCCURRENCE, journeyId).replaceWithVoid();
        }
        Instant due = s.recipientTime() ? Moments.earliestAnywhere(next.get())
                : ZonedDateTime.of(next.get(), graph.zone()).toInstant();
        scheduler.scheduled(due);
        return wakeups.schedule(sql, OCCURRENCE, journeyId, due, occurrencePayload(next.get()));
    }

    /** The occurrence a schedule wake-up is for, as the JSON text its payload column holds. */
    private static String occurrencePayload(LocalDateTime occurrence) {
        return '"' + occurrence.toString() + '"';
    }

    public static String occurrenceOf(String payload) {
        return payload.replace("\"", "");
    }

    /** An occurrence is due: its walk begins, and the one after is scheduled. */
    public Uni<Void> occurrence(SqlClient sql, String journeyId, String occurrence, Instant now) {
        return journeys.current(sql, journeyId).chain(found -> found.map(journey -> {
            JourneyGraph.ScheduleTrigger s = (JourneyGraph.ScheduleTrigger) journey.graph().trigger();
            LocalDateTime at = LocalDateTime.parse(occurrence);
            return start(sql, journeyId, occurrence, now).chain(() -> {
                Optional<LocalDateTime> next = Moments.nextOccurrence(s, at);
                if (next.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                Instant due = s.recipientTime() ? Moments.earliestAnywhere(next.get())
                        : ZonedDateTime.of(next.get(), journey.graph().zone()).toInstant();
                return wakeups.schedule(sql, OCCURRENCE, journeyId, due, occurrencePayload(next.get()));
            });
        }).orElseGet(() -> {
            LOG.infof("journey %s is not active: occurrence %s skipped", journeyId, occurrence);
            return Uni.createFrom().voidItem();
        }));
    }

    private Uni<Void> start(SqlClient sql, String journeyId, String occurrence, Instant now) {
        scheduler.scheduled(now);
        return sql.preparedQuery("""
                INSERT INTO journey_broadcast (journey_id, occurrence, started_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(journeyId, occurrence, io.touchpoint.platform.store.Json.ts(now)))
                .chain(() -> wakeups.schedule(sql, PAGE, journeyId + '\n' + occurrence, now, null));
    }

    /** One page of a walk; the next page is scheduled at once until the audience is through. */
    public Uni<Void> page(SqlClient sql, String key, Instant now, List<Instant> dues) {
        int cut = key.indexOf('\n');
        String journeyId = key.substring(0, cut);
        String occurrence = key.substring(cut + 1);
        return journeys.current(sql, journeyId).chain(journey -> journey.isEmpty() ? Uni.createFrom().voidItem()
                : walk(sql, key, journey, journeyId, occurrence, now, dues));
    }

    private Uni<Void> walk(SqlClient sql, String key, Optional<ActiveJourneys.Published> journey, String journeyId,
            String occurrence, Instant now, List<Instant> dues) {
        return sql.preparedQuery("SELECT after_id, done FROM journey_broadcast WHERE journey_id = $1 AND occurrence = $2 FOR UPDATE")
                .execute(Tuple.of(journeyId, occurrence))
                .chain(rows -> {
                    if (rows.rowCount() == 0 || rows.iterator().next().getBoolean(1)) {
                        return Uni.createFrom().voidItem();
                    }
                    String after = rows.iterator().next().getString(0);
                    String segment = occurrence.startsWith(DATE_SCAN) ? null : segmentOf(journey.get().graph().audience());
                    Uni<List<String>> page = segment == null ? profiles.page(sql, after, PAGE_SIZE)
                            : profiles.memberPage(sql, segment, after, PAGE_SIZE);
                    return page.chain(ids -> profiles.loadAll(sql, ids).chain(subjects -> {
                        // The page's profiles are entered side by side on the page's connection, which pipelines
                        // their statements: one profile's round trips no longer wait for another's.
                        List<Instant> found = java.util.Collections.synchronizedList(new ArrayList<>());
                        Uni<Integer> done = Multi.createFrom().iterable(ids).filter(subjects::containsKey)
                                .onItem().transformToUni(id -> each(sql, journey.get(), occurrence, subjects.get(id), now, found))
                                .merge(IN_FLIGHT)
                                .collect().in(() -> new int[1], (n, in) -> n[0] += in ? 1 : 0).map(n -> n[0]);
                        return done.invoke(() -> dues.addAll(found)).chain(n -> {
                            boolean last = ids.size() < PAGE_SIZE;
                            String upTo = ids.isEmpty() ? after : ids.get(ids.size() - 1);
                            return sql.preparedQuery("""
                                    UPDATE journey_broadcast SET after_id = $3, entered = entered + $4, done = $5
                                    WHERE journey_id = $1 AND occurrence = $2""")
                                    // A finished walk keeps no profile id as its cursor.
                                    .execute(Tuple.of(journeyId, occurrence, last ? "" : upTo, n, last))
                                    .chain(() -> last ? Uni.createFrom().voidItem()
                                            : wakeups.schedule(sql, PAGE, key, now, null).invoke(() -> dues.add(now)));
                        });
                    }));
                });
    }

    /**
     * The segment an audience requires (itself, or one of an {@code all}): the walk then goes over that
     * segment's members only, not every profile known.
     */
    static String segmentOf(Condition audience) {
        if (audience instanceof Condition.InSegment in) {
            return in.segmentId();
        }
        if (audience instanceof Condition.All all) {
            return all.conditions().stream().map(Broadcasts::segmentOf).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }
        return null;
    }

    private Uni<Boolean> each(SqlClient sql, ActiveJourneys.Published journey, String occurrence, NodeStep.Subject subject,
            Instant now, List<Instant> dues) {
        if (occurrence.startsWith(DATE_SCAN)) {
            return DateEntries.schedule(wakeups, sql, journey, subject, now).replaceWith(true);
        }
        JourneyGraph.ScheduleTrigger s = (JourneyGraph.ScheduleTrigger) journey.graph().trigger();
        Instant holdUntil = null;
        if (s.recipientTime()) {
            var zone = Moments.zoneOf(subject.preferences(), subject.facts().traits(), journey.graph().zone());
            holdUntil = ZonedDateTime.of(LocalDateTime.parse(occurrence), zone).toInstant();
        }
        return entries.enter(sql, journey, subject, "schedule\n" + occurrence, java.util.Map.of("occurrence", occurrence),
                holdUntil, now, dues::add).map(Optional::isPresent);
    }

}
