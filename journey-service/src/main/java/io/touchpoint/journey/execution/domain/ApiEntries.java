package io.touchpoint.journey.execution.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.definition.domain.JourneyGraph;
import io.touchpoint.platform.api.ConflictException;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Json;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.platform.wakeup.WakeupScheduler;
import io.touchpoint.journey.execution.store.ProfileFactStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code POST /v1/journeys/{id}/entries}: up to 1,000 profiles with a payload each, entered in one
 * transaction. The caller's key makes the call idempotent: repeating it returns the first answer
 * and enters nobody again.
 */
@ApplicationScoped
public class ApiEntries {

    public static final int MAX_RECIPIENTS = 1000;

    public record Recipient(String profileId, Map<String, Object> payload) {
    }

    public record Outcome(String profileId, boolean entered, String reason) {
    }

    public record Answer(String journeyId, String key, int entered, List<Outcome> recipients, boolean repeated) {
    }

    private final Pool pool;
    private final Clock clock;
    private final Json json;
    private final ActiveJourneys journeys;
    private final ProfileFactStore profiles;
    private final JourneyEntries entries;
    private final OutboxRelay relay;
    private final WakeupScheduler scheduler;

    ApiEntries(Pool pool, Clock clock, Json json, ActiveJourneys journeys, ProfileFactStore profiles, JourneyEntries entries,
            OutboxRelay relay, WakeupScheduler scheduler) {
        this.pool = pool;
        this.clock = clock;
        this.json = json;
        this.journeys = journeys;
        this.profiles = profiles;
        this.entries = entries;
        this.relay = relay;
        this.scheduler = scheduler;
    }

    public Uni<Answer> enter(String journeyId, String key, List<Recipient> recipients) {
        List<Instant> dues = new ArrayList<>();
        return Uni.createFrom().deferred(() -> {
            dues.clear();
            Instant now = clock.instant();
            return pool.withTransaction(sql -> sql.preparedQuery("""
                    SELECT response FROM journey_api_call WHERE journey_id = $1 AND call_key = $2""")
                    .execute(Tuple.of(journeyId, key))
                    .chain(previous -> {
                        if (previous.rowCount() > 0) {
                            Answer first = json.read(previous.iterator().next().getString(0), Answer.class);
                            return Uni.createFrom().item(new Answer(first.journeyId(), first.key(), first.entered(),
                                    first.recipients(), true));
                        }
                        return journeys.current(sql, journeyId).chain(found -> {
                            if (found.isEmpty()) {
                                throw new ConflictException("Journey " + journeyId + " is not active; only active journeys take entries.");
                            }
                            if (!(found.get().graph().trigger() instanceof JourneyGraph.ApiTrigger)) {
                                throw new ConflictException("Journey " + journeyId + " is not entered by API calls; its trigger is "
                                        + "another (set \"trigger\": {\"api\": true}).");
                            }
                            return profiles.loadAll(sql, recipients.stream().map(Recipient::profileId).distinct().toList())
                                    .chain(subjects -> {
                                        Map<String, Outcome> outcomes = new LinkedHashMap<>();
                                        Uni<Void> all = Uni.createFrom().voidItem();
                                        for (Recipient r : recipients) {
                                            var subject = subjects.get(r.profileId());
                                            if (subject == null) {
                                                outcomes.put(r.profileId(), new Outcome(r.profileId(), false, "unknown profile"));
                                                continue;
                                            }
                                            all = all.chain(() -> entries.enter(sql, found.get(), subject,
                                                    "api\n" + key + '\n' + r.profileId(), r.payload(), null, now, dues::add)
                                                    .invoke(in -> outcomes.putIfAbsent(r.profileId(), new Outcome(r.profileId(),
                                                            in.isPresent(), in.isPresent() ? null
                                                                    : "not entered: outside the audience, already in, or re-entry not allowed")))
                                                    .replaceWithVoid());
                                        }
                                        return all.map(v -> {
                                            // In the order the caller listed them.
                                            List<Outcome> list = recipients.stream().map(Recipient::profileId).distinct()
                                                    .map(outcomes::get).toList();
                                            return new Answer(journeyId, key, (int) list.stream().filter(Outcome::entered).count(),
                                                    list, false);
                                        });
                                    })
                                    .call(answer -> sql.preparedQuery("""
                                            INSERT INTO journey_api_call (journey_id, call_key, response, at) VALUES ($1, $2, $3, $4)""")
                                            .execute(Tuple.of(journeyId, key, json.write(answer), Json.ts(now))));
                        });
                    }));
        }).onFailure(Transactions::retryable).retry().atMost(3)
                .invoke(() -> {
                    relay.kick();
                    dues.forEach(scheduler::scheduled);
                });
    }
}
