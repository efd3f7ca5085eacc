package io.touchpoint.analytics.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.analytics.delivery.domain.MessageRollups;
import io.touchpoint.analytics.delivery.domain.MessageState;
import io.touchpoint.analytics.journey.domain.Assignment;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Every change to messages, from any of the three topics that speak of them (delivery events, message
 * requests, journey events' arms), goes through here inside the caller's transaction: lock the rows,
 * change the states, settle each one's arm from the assignments, and add each message's contribution
 * after minus before to the rollups. A change that changes nothing writes nothing.
 */
@ApplicationScoped
class MessageLedger {

    private final MessageTables messages;
    private final JourneyTables journeys;

    MessageLedger(MessageTables messages, JourneyTables journeys) {
        this.messages = messages;
        this.journeys = journeys;
    }

    /** The messages a batch speaks of, locked, and the arms of the profiles it names in the journeys it names. */
    record Prefetched(MessageTables.Locked locked, Map<JourneyTables.JourneyProfile, List<Assignment>> assignments) {
    }

    Uni<Prefetched> prefetch(SqlClient sql, Collection<String> requestIds, Collection<JourneyTables.JourneyProfile> pairs) {
        if (requestIds.isEmpty()) {
            return Uni.createFrom().item(new Prefetched(new MessageTables.Locked(Map.of(), Set.of()), Map.of()));
        }
        return Uni.combine().all().unis(messages.lock(sql, requestIds), journeys.assignments(sql, pairs)).asTuple()
                .map(both -> new Prefetched(both.getItem1(), both.getItem2()));
    }

    Uni<Void> change(SqlClient sql, Collection<String> requestIds, Consumer<Map<String, MessageState>> change) {
        return prefetch(sql, requestIds, List.of()).chain(p -> change(sql, p, change));
    }

    Uni<Void> change(SqlClient sql, Prefetched prefetched, Consumer<Map<String, MessageState>> change) {
        Map<String, MessageState> states = prefetched.locked().states();
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, MessageState> before = new HashMap<>();
        states.forEach((id, s) -> before.put(id, s.copy()));
        change.accept(states);
        Set<JourneyTables.JourneyProfile> missing = new LinkedHashSet<>();
        for (MessageState s : states.values()) {
            var pair = new JourneyTables.JourneyProfile(s.journeyId(), s.profileId());
            if (!s.journeyId().isEmpty() && s.profileId() != null && !prefetched.assignments().containsKey(pair)) {
                missing.add(pair);
            }
        }
        return journeys.assignments(sql, missing).chain(more -> {
            Map<JourneyTables.JourneyProfile, List<Assignment>> assignments = new HashMap<>(prefetched.assignments());
            assignments.putAll(more);
            MessageRollups rollups = new MessageRollups();
            List<MessageState> changed = new ArrayList<>();
            List<MessageState> created = new ArrayList<>();
            states.values().stream().sorted(java.util.Comparator.comparing(MessageState::requestId)).forEach(s -> {
                List<Assignment> of = assignments.getOrDefault(new JourneyTables.JourneyProfile(s.journeyId(), s.profileId()),
                        List.of());
                s.arm(Assignment.armAt(of, s.reference()));
                MessageState old = before.get(s.requestId());
                if (!s.sameAs(old)) {
                    (prefetched.locked().fresh().contains(s.requestId()) ? created : changed).add(s);
                    rollups.change(old.contribution(), s.contribution());
                }
            });
            return Uni.combine().all().unis(messages.save(sql, changed), messages.insert(sql, created),
                    messages.addRollups(sql, rollups)).discardItems();
        });
    }
}
